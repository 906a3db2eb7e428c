"""Department data feeds (DESIGN §6): definitions, deliveries (files and API pushes), matching and rules.

Modules: ``choices`` and ``standard`` (the twelve feeds of seed 003 as data), ``parsing`` (messy xlsx/csv
to rows), ``validation`` (one row → values or a Chinese reason), ``rules`` (warning rules), ``services``
(the one transaction that stores rows and raises leads), ``selectors``, ``deadlines`` (missing deliveries),
``tasks``, ``views``/``forms``/``tables``/``filters``/``urls`` (pages), ``api``/``api_urls`` (the push API),
``admin``.
"""
