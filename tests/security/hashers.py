"""A password hasher slow enough for timing tests to see whether a hash ran (~10-30 ms), fast
enough to run a hundred times."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class TimingPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_sha256_timing"
    iterations = 40_000
