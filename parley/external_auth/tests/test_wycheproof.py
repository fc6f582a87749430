"""The C2SP Wycheproof JWS vectors, run through the verifier's signature layer.

The vectors sign payloads such as b"foo" that are not JSON, so they go through verify_jws —
verify_token's steps 1-4, the same code — and every invalid one through verify_token too.
"""

import base64
import json
from collections import Counter
from pathlib import Path

import pytest

from parley.errors import AuthError
from parley.external_auth.errors import KeyRejected
from parley.external_auth.jwks import public_key_from_jwk
from parley.external_auth.keys import VerificationKeys
from parley.external_auth.verify import VerifyPolicy, verify_jws, verify_token

# Kept in the repository (with its Apache-2.0 LICENSE) so the suite can never skip it.
VECTORS = Path(__file__).parent / "vectors" / "wycheproof" / "json_web_signature_test.json"
NOW = 1_750_000_000

# Valid vectors that Parley's stricter policy refuses, and why.
REFUSED_BY_POLICY = {
    346: "key's JWK alg pins it to PS256; the code uses PS384 (RFC 7517 §4.4)",
    350: "key's JWK alg pins it to PS256; the code uses PS384 (RFC 7517 §4.4)",
    347: "key's JWK alg 'ES521' is not a registered JWS algorithm, so the key is refused",
    351: "key's JWK alg 'ES521' is not a registered JWS algorithm, so the key is refused",
    372: "header segment contains '?': only strict base64url is accepted",
    373: "payload segment contains '?': only strict base64url is accepted",
}
# Invalid vectors whose compact form upstream is byte-identical to valid vector 357 (their
# padding was lost), so no verifier can both accept 357 and reject them.
IDENTICAL_TO_VALID_357 = {367, 370}


def _keys_for(group: dict) -> VerificationKeys:
    private = group.get("private", {})
    if private.get("kty") == "oct":
        # The test sets the HMAC key directly; the admin's 32-byte minimum does not apply.
        k = private["k"]
        return VerificationKeys(current_secret=base64.urlsafe_b64decode(k + "=" * (-len(k) % 4)))
    return VerificationKeys(public_keys=(public_key_from_jwk(group["public"]),))


def _accepts(token: str, keys: VerificationKeys) -> bool:
    try:
        verify_jws(token=token, keys=keys, now=NOW)
    except AuthError:
        return False
    return True


def test_wycheproof_jws_vectors():
    assert VECTORS.is_file(), f"the Wycheproof vectors are missing: {VECTORS}"
    data = json.loads(VECTORS.read_text())
    cases = {t["tcId"]: t for g in data["testGroups"] for t in g["tests"]}
    for tc_id in IDENTICAL_TO_VALID_357:
        assert cases[tc_id]["jws"] == cases[357]["jws"] and cases[357]["result"] == "valid"

    counts, wrong = Counter(), []
    for group in data["testGroups"]:
        try:
            keys = _keys_for(group)
        except KeyRejected:
            keys = None
        for case in group["tests"]:
            tc_id, token = case["tcId"], case["jws"]
            if "JsonSerialization" in case["flags"]:
                counts["skipped: JSON serialisation"] += 1
                continue
            if tc_id in IDENTICAL_TO_VALID_357:
                counts["excluded: identical to valid 357"] += 1
                continue
            counts["ran"] += 1
            # A group whose key is refused (use "enc", alg "ES521", ...) accepts nothing.
            accepted = keys is not None and _accepts(token, keys)
            if case["result"] == "invalid":
                counts["invalid rejected" if not accepted else "INVALID ACCEPTED"] += 1
                if accepted:
                    wrong.append((tc_id, case["comment"], "accepted"))
                elif keys is not None:
                    with pytest.raises(AuthError):
                        verify_token(token=token, keys=keys, policy=VerifyPolicy(), now=NOW)
            elif accepted:
                counts["valid accepted"] += 1
                if tc_id in REFUSED_BY_POLICY:
                    wrong.append((tc_id, case["comment"], "expected a policy refusal"))
            elif tc_id in REFUSED_BY_POLICY:
                counts["valid refused by policy"] += 1
            else:
                counts["VALID REJECTED"] += 1
                wrong.append((tc_id, case["comment"], "rejected"))

    print(f"\nWycheproof JWS ({VECTORS.name}): {dict(sorted(counts.items()))}")
    assert wrong == []
    assert counts["valid refused by policy"] == len(REFUSED_BY_POLICY)
    assert counts["ran"] == 398
    assert counts["ran"] == (
        counts["valid accepted"] + counts["invalid rejected"] + counts["valid refused by policy"]
    )
