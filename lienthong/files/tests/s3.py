"""A local S3-compatible store for the tests: moto's server mode on a loopback port, one bucket, and each
test under its own key prefix, with the settings switched to django-storages' S3 backend."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

MOTO_PORT = 9101
DEAD_ENDPOINT = "http://127.0.0.1:9199"  # nothing listens there: the store is down
BUCKET = "lienthong-test"
CREDENTIALS = {"aws_access_key_id": "test-key", "aws_secret_access_key": "test-secret"}
_prefixes = itertools.count(1)


def s3_options(endpoint: str, prefix: str) -> dict:
    """The default storage's options as ``settings.py`` builds them from LIENTHONG_S3_*, for ``endpoint``."""
    from boto3.s3.transfer import TransferConfig
    from botocore.config import Config

    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": BUCKET, "endpoint_url": endpoint, "region_name": "us-east-1",
        "access_key": CREDENTIALS["aws_access_key_id"], "secret_key": CREDENTIALS["aws_secret_access_key"],
        "location": prefix, "file_overwrite": True, "default_acl": None,
        "object_parameters": {"ServerSideEncryption": "AES256"},
        "client_config": Config(connect_timeout=1, read_timeout=5, s3={"addressing_style": "path"},
                                retries={"total_max_attempts": 1, "mode": "standard"}, signature_version="s3v4"),
        # Parts of 5 MB (S3's smallest) rather than settings.py's 8 MB, to keep the multipart test small.
        "transfer_config": TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024,
                                          max_concurrency=2),
    }}


@dataclass
class Store:
    client: object
    prefix: str
    endpoint: str

    def names(self) -> set[str]:
        """Every stored name under this test's prefix (as the rows record them)."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=f"{self.prefix}/")
        return {e["Key"][len(self.prefix) + 1:] for page in pages for e in page.get("Contents", ())}

    def get(self, name: str) -> dict:
        return self.client.get_object(Bucket=BUCKET, Key=f"{self.prefix}/{name}")

    def put(self, name: str, data: bytes) -> None:
        self.client.put_object(Bucket=BUCKET, Key=f"{self.prefix}/{name}", Body=data)

    def remove(self, name: str) -> None:
        self.client.delete_object(Bucket=BUCKET, Key=f"{self.prefix}/{name}")


@pytest.fixture(scope="session")
def moto_endpoint():
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=MOTO_PORT, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{MOTO_PORT}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **CREDENTIALS).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def s3_store(moto_endpoint, settings) -> Store:
    """The default storage switched to the moto server, under a prefix of this test's own."""
    import boto3

    prefix = f"t{next(_prefixes)}"
    settings.STORAGES = {**settings.STORAGES, "default": s3_options(moto_endpoint, prefix)}
    client = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1", **CREDENTIALS)
    return Store(client=client, prefix=prefix, endpoint=moto_endpoint)


def store_down(settings) -> None:
    """Point the default storage at an address where no store answers."""
    settings.STORAGES = {**settings.STORAGES, "default": s3_options(DEAD_ENDPOINT, "down")}


def store_up(settings, store: Store) -> None:
    settings.STORAGES = {**settings.STORAGES, "default": s3_options(store.endpoint, store.prefix)}
