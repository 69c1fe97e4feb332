"""Static files as WhiteNoise serves them in production (settings.STORAGES)."""

from __future__ import annotations

from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed names (a release changes the URL, so browsers may cache for a year) and a gzip copy
    of each text file. No brotli even where the module is installed: it took seconds per large
    file of the API documentation's bundles, at every `samordna serve` after an upgrade, for a
    few per cent on files a browser fetches once."""

    def create_compressor(self, **kwargs: Any) -> Compressor:
        return Compressor(use_brotli=False, **kwargs)
