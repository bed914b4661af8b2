from lienthong.files.tests.s3 import moto_endpoint, s3_store  # noqa: F401 (fixtures of the S3 tests)
