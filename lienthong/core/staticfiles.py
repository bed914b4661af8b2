"""Static files in production mode (settings.STORAGES["staticfiles"]): WhiteNoise's content-hashed names with
gzip copies, without its Brotli copies. Brotli at the quality WhiteNoise uses (11) took 12 s for the API docs'
1.5 MB script alone and made collectstatic 44 s on this machine under load, for files 20 % smaller than gzip's;
nginx from Debian serves the gzip copies natively (gzip_static) and Caddy serves them precompressed
(docs/decisions.md "Production stack: static files")."""

from __future__ import annotations

from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class GzipManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def create_compressor(self, **kwargs: Any) -> Compressor:
        return super().create_compressor(**{**kwargs, "use_brotli": False})
