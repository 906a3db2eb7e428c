import pytest


@pytest.fixture(autouse=True)
def _media_in_a_temporary_directory(settings, tmp_path):
    """Uploaded attachments go to a directory the test owns, not var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
