"""The ledgers (台账): the 明细表 (detail) and the other registers (selectors), their tables, filters, exports
and pages."""
