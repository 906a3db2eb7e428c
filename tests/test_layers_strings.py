"""The floors of DESIGN §13 hold for names in strings too, which `lint-imports` cannot see.

A lower app never names a higher one: not by ``apps.get_model("intake", …)``, not by a URL name
(``"ledgers:…"`` in Python, ``{% url 'intake:…' %}`` in its templates), not by a dotted path or a
``"cases.view_lead"`` permission in a string, and not through a setting holding a dotted path into a
higher app. What a lower app needs from a higher one is registered from the higher app's ``ready()``
(docs/ARCHITECTURE.md, "Registries").
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
FLOOR = {"accounts": 0, "common": 1, "referrals": 2, "cases": 3, "intake": 4, "ledgers": 5, "config": 6}
# URL namespaces → the app that owns them.
NAMESPACE = {"accounts": "accounts", "common": "common", "exports": "common", "referrals": "referrals",
             "cases": "cases", "intake": "intake", "ledgers": "ledgers"}
# The one upward name the design keeps: a model's foreign key to a higher app's model is a string Django
# resolves (referrals' transfer form belongs to a lead; the migration needs it). Nothing else.
ALLOWED = {("referrals/models.py", "cases.Lead")}
DOTTED = re.compile(r"^([a-z_]+)([:.])([A-Za-z_*][\w.*]*)$")
TEMPLATE_URL = re.compile(r"\{%\s*url\s+['\"]([a-z_]+):")


def _target(text: str) -> str | None:
    m = DOTTED.match(text)
    if not m:
        return None
    first, sep = m.group(1), m.group(2)
    return NAMESPACE.get(first) if sep == ":" else (first if first in FLOOR else None)


def upward_strings(root: Path) -> list[str]:
    found = []
    for app, floor in FLOOR.items():
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            rel = str(path.relative_to(root))
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                        "get_model", "get_app_config"):
                    if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                        label = node.args[0].value.split(".")[0]
                        if FLOOR.get(label, -1) > floor:
                            found.append(f"{rel}:{node.lineno}: get_model/get_app_config({node.args[0].value!r})")
                    continue
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    target = _target(node.value)
                    if target and FLOOR[target] > floor and (rel, node.value) not in ALLOWED:
                        found.append(f"{rel}:{node.lineno}: {node.value!r} names {target}")
        templates = root / "templates" / app
        for path in sorted(templates.rglob("*.html")) if templates.exists() else ():
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for m in TEMPLATE_URL.finditer(line):
                    target = NAMESPACE.get(m.group(1))
                    if target and FLOOR[target] > floor:
                        found.append(f"{path.relative_to(root)}:{number}: {m.group(0)}…")
    return found


def upward_settings(root: Path) -> list[str]:
    """A setting holding a dotted path into app B, read by an app below B."""
    tree = ast.parse((root / "config" / "settings.py").read_text(encoding="utf-8"))
    pointing = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            target = _target(node.value.value)
            for name in node.targets:
                if isinstance(name, ast.Name) and target:
                    pointing[name.id] = target
    found = []
    for app, floor in FLOOR.items():
        for path in sorted((root / app).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            for name, target in pointing.items():
                if FLOOR[target] > floor and re.search(rf"settings\.{name}\b|[\"']{name}[\"']", text):
                    found.append(f"{path.relative_to(root)} reads settings.{name}, a path into {target}")
    return found


# What a lower app may read of a higher app's row it holds by foreign key: the key itself, nothing of its fields.
KEY_ONLY = {"id", "pk", "in", "isnull", "exact", "_meta"}


def upward_keys() -> dict[str, set[str]]:
    """The foreign keys each lower app holds into a higher app's model (referrals: ``TransferForm.lead``)."""
    from django.apps import apps

    keys: dict[str, set[str]] = {}
    for model in apps.get_models():
        app = model._meta.app_label
        for field in model._meta.get_fields():
            target = field.related_model._meta.app_label if field.is_relation and field.related_model else None
            if field.concrete and app in FLOOR and target in FLOOR and FLOOR[target] > FLOOR[app]:
                keys.setdefault(app, set()).add(field.name)
    return keys


def _ends_in(node, key: str) -> bool:
    return (isinstance(node, ast.Name) and node.id == key) or (isinstance(node, ast.Attribute) and node.attr == key)


def upward_lookups(root: Path, keys: dict[str, set[str]]) -> list[str]:
    """A lower app reading a field of the higher app's row behind its foreign key: a lookup through it
    (``"lead__person__name"``, ``source="lead.number"``), an attribute (``form.lead.township_id``,
    ``getattr(lead, "is_open")``) or a template variable (``{{ object.lead.number }}``). The owning app
    describes the row through a registry instead (referrals/subjects.py)."""
    found = []
    for app, names in keys.items():
        for key in sorted(names):
            text_lookup = re.compile(rf"\b{key}(?:__|\.)(?!(?:{'|'.join(KEY_ONLY)})\b)(\w+)")
            for path in sorted((root / app).rglob("*.py")):
                if "migrations" in path.parts:
                    continue
                rel = str(path.relative_to(root))
                for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                    if isinstance(node, ast.Constant) and isinstance(node.value, str) and not node.value.count("\n"):
                        if m := text_lookup.search(node.value):
                            found.append(f"{rel}:{node.lineno}: {node.value!r} looks into {key}")
                    elif isinstance(node, ast.keyword) and node.arg and text_lookup.match(node.arg):
                        found.append(f"{rel}:{node.value.lineno}: {node.arg}= looks into {key}")
                    elif isinstance(node, ast.Attribute) and _ends_in(node.value, key) and node.attr not in KEY_ONLY:
                        found.append(f"{rel}:{node.lineno}: .{key}.{node.attr}")
                    elif (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "getattr" and len(node.args) > 1
                          and _ends_in(node.args[0], key) and isinstance(node.args[1], ast.Constant)
                          and node.args[1].value not in KEY_ONLY):
                        found.append(f"{rel}:{node.lineno}: getattr({key}, {node.args[1].value!r})")
            templates = root / "templates" / app
            for path in sorted(templates.rglob("*.html")) if templates.exists() else ():
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                    for m in re.finditer(rf"\b{key}\.(?!(?:{'|'.join(KEY_ONLY)})\b)\w+", line):
                        found.append(f"{path.relative_to(root)}:{number}: {m.group(0)}")
    return sorted(found)


def test_no_lower_app_names_a_higher_one_in_a_string():
    assert upward_strings(ROOT) == []


def test_no_lower_app_looks_into_a_higher_apps_row():
    keys = upward_keys()
    assert keys == {"referrals": {"lead"}}  # TransferForm.lead (and its history): the one key kept
    assert upward_lookups(ROOT, keys) == []


def test_the_check_sees_each_lookup_into_a_higher_apps_row(tmp_path):
    (tmp_path / "referrals").mkdir()
    (tmp_path / "templates" / "referrals").mkdir(parents=True)
    (tmp_path / "referrals" / "views.py").write_text(
        'from django.db.models import Q\n'
        'def search(qs, value):\n    return qs.filter(Q(lead__person__name__startswith=value) | Q(lead_id=1))\n'
        'RELATED = ("kind", "lead__village")\nSOURCE = "lead.number"\n'
        'def township(form, lead):\n    return form.lead.township_id, getattr(lead, "is_open", True), lead.pk\n')
    (tmp_path / "templates" / "referrals" / "page.html").write_text(
        "{{ object.lead.person.name }} <input value=\"{{ lead.pk }}\">\n")
    found = upward_lookups(tmp_path, {"referrals": {"lead"}})
    assert found == [
        "referrals/views.py:3: lead__person__name__startswith= looks into lead",
        "referrals/views.py:4: 'lead__village' looks into lead",
        "referrals/views.py:5: 'lead.number' looks into lead",
        "referrals/views.py:7: .lead.township_id",
        "referrals/views.py:7: getattr(lead, 'is_open')",
        "templates/referrals/page.html:1: lead.person",
    ], found


def test_no_lower_app_reads_a_setting_that_points_upward():
    assert upward_settings(ROOT) == []


def test_the_check_sees_each_kind_of_upward_string(tmp_path):
    for app in FLOOR:
        (tmp_path / app).mkdir()
    (tmp_path / "templates" / "cases").mkdir(parents=True)
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "referrals" / "views.py").write_text(
        'from django.apps import apps\nLead = apps.get_model("cases", "Lead")\nURL = "ledgers:transfer_tracking"\n'
        'PERM = "intake.view_feed"\n')
    (tmp_path / "common" / "api.py").write_text(
        "from django.conf import settings\nAUTH = settings.DEPARTMENT_AUTH\n")
    (tmp_path / "config" / "settings.py").write_text('DEPARTMENT_AUTH = "intake.feeds.api.TokenAuth"\n')
    (tmp_path / "templates" / "cases" / "page.html").write_text("<a href=\"{% url 'intake:lead_list' %}\">x</a>\n")
    found = upward_strings(tmp_path)
    assert any("get_model" in f for f in found)
    assert any("'ledgers:transfer_tracking' names ledgers" in f for f in found)
    assert any("'intake.view_feed' names intake" in f for f in found)
    assert any("templates/cases/page.html" in f for f in found)
    assert upward_settings(tmp_path) == ["common/api.py reads settings.DEPARTMENT_AUTH, a path into intake"]
