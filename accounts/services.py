"""Writes for accounts: creating users and keeping their role group in step."""
from __future__ import annotations

from django.db import transaction

from .models import Department, Region, User
from .roles import group_for


@transaction.atomic
def user_create(*, username: str, role: str, region: Region, password: str | None,
                full_name: str = "", phone: str = "", department: Department | None = None,
                must_change_password: bool = True) -> User:
    """Create a staff account in its role's group. ``full_clean`` enforces the role/region rules."""
    user = User(username=username, role=role, region=region, department=department,
                full_name=full_name, phone=phone, must_change_password=must_change_password,
                is_staff=role == "administrator")
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user_sync_role_group(user=user)
    return user


def user_sync_role_group(*, user: User) -> None:
    """Make the user a member of exactly their role's group (other groups are left alone)."""
    from .choices import Role

    own = group_for(user.role)
    others = [group_for(r) for r in Role.values if r != user.role]
    user.groups.remove(*others)
    user.groups.add(own)
