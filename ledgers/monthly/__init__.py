"""The monthly report (月报): its figures (selectors), drafting, submission and the workbook (services), pages."""
