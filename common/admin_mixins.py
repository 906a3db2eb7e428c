"""The one read-only admin: records the system writes (audit events, reminders, notifications, deliveries),
which administrators read and nobody edits in the admin."""


class ReadOnlyAdminMixin:
    # A delivery's rows may be removed by an administrator (feeds); the audit trail and reminders never.
    read_only_allows_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        if self.read_only_allows_delete:
            return super().has_delete_permission(request, obj)
        return False
