import pytest

from tests.security.report import AttackReport


def test_report_fails_when_an_attack_got_through() -> None:
    report = AttackReport("selftest")
    report.tried("harmless", got_through=False)
    report.tried("forged", got_through=True, status=200)
    with pytest.raises(AssertionError, match="forged"):
        report.assert_none_got_through()


def test_report_fails_when_nothing_was_tried() -> None:
    with pytest.raises(AssertionError, match="no attack was tried"):
        AttackReport("empty").assert_none_got_through()
