from .scoping import is_registered, scope


class ScopedAdminMixin:
    """Admin lists and edits go through the same scoping as every other view."""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return scope(request.user, qs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and getattr(field, "queryset", None) is not None and is_registered(field.queryset.model):
            field.queryset = scope(request.user, field.queryset)
        return field
