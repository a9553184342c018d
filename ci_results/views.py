"""Plain Django views of ci_results (the API lives in api.py)."""

from pathlib import Path

from django.http import FileResponse, HttpRequest

UPLOADER = Path(__file__).resolve().parent / "static" / "ci_results" / "kbd-upload.py"


def uploader(request: HttpRequest) -> FileResponse:
    """The standalone uploader script, for CI jobs to download."""
    return FileResponse(UPLOADER.open("rb"), as_attachment=True, filename="kbd-upload.py",
                        content_type="text/x-python; charset=utf-8")
