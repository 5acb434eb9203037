"""Node failures with stable codes, and the retry policy (the engine's errors.ts and retry/policy.ts)."""

import random

DEFAULT_RETRY_POLICY = {
    "maxRetries": 0,
    "initialBackoffMs": 1000,
    "multiplier": 2,
    "maxBackoffMs": 60_000,
    "jitter": 0.1,
    "retryOnStatuses": [429, 500, 502, 503, 504],
    "retryOnErrors": [
        "ECONNRESET", "ECONNREFUSED", "ECONNABORTED", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EPIPE",
        "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT",
        "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "NODE_TIMEOUT",
    ],
}


class NodeFailure(Exception):
    def __init__(self, code, message, status=None, non_retryable=False, field=None, details=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.non_retryable = non_retryable
        self.field = field
        self.details = details


def permanent(code, message, field=None, details=None):
    return NodeFailure(code, message, non_retryable=True, field=field, details=details)


def to_failure(error, node_id):
    """Anything raised, as the engine's Failure record: { code, message, retryable, status?, field?, details?, nodeId }."""
    if isinstance(error, NodeFailure):
        failure = {"code": error.code, "message": error.message, "retryable": False}
        if error.status is not None:
            failure["status"] = error.status
        if error.field is not None:
            failure["field"] = error.field
        if error.details is not None:
            failure["details"] = error.details
    else:
        failure = {"code": "NODE_FAILED", "message": str(error) or type(error).__name__, "retryable": False}
    failure["nodeId"] = node_id
    if failure["code"] in ("CONFIG_INVALID", "NODE_FAILED", "CODE_ERROR") and not failure["message"].startswith('node "'):
        failure["message"] = f'node "{node_id}": {failure["message"]}'
    return failure


def effective_policy(*patches):
    policy = dict(DEFAULT_RETRY_POLICY)
    for patch in reversed(patches):
        for key, value in (patch or {}).items():
            if value is not None:
                policy[key] = value
    return policy


def is_retryable(failure, non_retryable, policy):
    if non_retryable:
        return False
    if failure.get("status") is not None and failure["status"] in policy["retryOnStatuses"]:
        return True
    return failure["code"] in policy["retryOnErrors"]


def backoff_delay_ms(retry, policy, rnd=None):
    """min(initial × multiplier^(retry-1), max), spread by ± jitter, never above max."""
    rnd = random.random() if rnd is None else rnd
    base = min(policy["initialBackoffMs"] * policy["multiplier"] ** max(0, retry - 1), policy["maxBackoffMs"])
    spread = base * policy["jitter"] * (2 * rnd - 1)
    return max(0, min(policy["maxBackoffMs"], round(base + spread)))
