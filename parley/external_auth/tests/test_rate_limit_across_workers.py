"""The failed-code limit holds across every worker of `parley serve --workers 2` without
Redis: guesses spread over the workers are counted together, not per worker. The limit is
the instance setting; the retired PARLEY_JWT_FAILURE_LIMIT only earns a startup warning."""

import httpx
import pytest

from parley.tests.serving import parley_env, run_cli, serving

LIMIT = 3
ATTEMPTS = 12


@pytest.mark.timeout(180)
def test_failed_codes_are_refused_once_the_limit_is_passed_on_any_worker(tmp_path):
    # An operator who still sets the old variable: it no longer applies, and is warned once.
    env = parley_env(tmp_path, PARLEY_ACCESS_LOG="false", PARLEY_JWT_FAILURE_LIMIT="99")
    run_cli(env, "jwt", "enable")
    run_cli(env, "manage", "shell", "-c",
            "from parley.external_auth import services; "
            f"services.update_policy(failure_limit={LIMIT})")  # fmt: skip
    log = tmp_path / "serve.log"
    with serving(env, log, workers=2) as base:
        # A new connection per request (no pool), so the attempts spread over both workers.
        statuses = [
            httpx.get(f"{base}/", params={"externalAuthCode": "garbage"}).status_code
            for _ in range(ATTEMPTS)
        ]
    assert statuses == [401] * LIMIT + [429] * (ATTEMPTS - LIMIT)
    assert log.read_text().count("PARLEY_JWT_FAILURE_LIMIT=99 is ignored") == 1
