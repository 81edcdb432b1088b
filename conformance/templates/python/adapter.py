#!/usr/bin/env python3
"""An adapter of the protocol semodel-adapter/1 (docs/adapter-protocol.md), standard library only.

It reads JSON-RPC 2.0 requests from stdin, one per line, and writes one answer per line to
stdout; stderr is free for logs. It checks the wire form of what arrives (so that whatever is
not an action is answered MALFORMED_ACTION, as the model answers it) and hands well-formed
values to the implementation in toy.py. To check your implementation, replace ToyPlatform by
a class with the same three methods that calls it (see README.md).

    python3 adapter.py        # then: semodel conform --adapter "python3 adapter.py"
"""
import json
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the template

from toy import ConfigUnsupported, NotModelled, ToyPlatform

PROTOCOL = "semodel-adapter/1"
HELLO = {"protocol": PROTOCOL, "implementation": "python-toy", "version": "0.1.0", "mechanisms": []}

# JSON-RPC error codes (conformance/adapter/protocol.ts).
PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
PARTY_NOT_MODELLED = -32001
NOT_RESET = -32002
CONFIG_UNSUPPORTED = -32003

MALFORMED_ACTION = {"kind": "rejected", "code": "MALFORMED_ACTION", "requirement": "REQ-PLATFORM-1"}

# The wire form of every action kind: its fields and their wire types (docs/actions.md).
ACTIONS = {
    "create-guest": {"machine": "id", "memoryPages": "int"},
    "destroy-guest": {"guest": "id"},
    "set-header": {"guest": "id", "header": "bytes"},
    "unpack": {"guest": "id", "address": "u64", "tweak": "bytes", "page": "bytes"},
    "verify": {"guest": "id"},
    "start": {"guest": "id"},
}
PARTIES = {"hypervisor": {}, "guest": {"guest": "id"}, "owner": {"guest": "id"}, "adapter": {"adapter": "id"}, "host-manager": {}, "client": {}}

MAX_SAFE = 2 ** 53 - 1
HEX = re.compile(r"^(?:[0-9a-f]{2})*$")
U64 = re.compile(r"^0x(?:0|[1-9a-f][0-9a-f]{0,15})$")


class RpcError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def safe_integer(v):
    """The integer a JSON number stands for when it is a safe integer (JavaScript's rule), else None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, int) and -MAX_SAFE <= v <= MAX_SAFE:
        return v
    return None


def wire_ok(kind, v):
    """True when `v` is a wire value of the type `kind`."""
    if kind == "id":
        n = safe_integer(v)
        return n is not None and n >= 0
    if kind == "int":
        return safe_integer(v) is not None
    if kind == "bytes":
        return isinstance(v, str) and HEX.match(v) is not None
    if kind == "u64":
        return isinstance(v, str) and U64.match(v) is not None
    return False


def decode_fields(value, fields, tag):
    """`value` with numbers made ints when it is an object of exactly `tag` and `fields`, else None."""
    if not isinstance(value, dict) or set(value) != set(fields) | {"kind"}:
        return None
    out = {"kind": value["kind"]}
    for name, kind in fields.items():
        if not wire_ok(kind, value[name]):
            return None
        out[name] = safe_integer(value[name]) if kind in ("id", "int") else value[name]
    return out


def decode_action(value):
    """The action a wire value is, or None. An input that is not an action arrives spelled
    (`{"$reads": ...}`, `{"$number": "NaN"}`, ...) and has no kind: None, as any other non-action."""
    kind = value.get("kind") if isinstance(value, dict) else None
    if not isinstance(kind, str) or kind not in ACTIONS:
        return None
    return decode_fields(value, ACTIONS[kind], kind)


def decode_party(value):
    kind = value.get("kind") if isinstance(value, dict) else None
    if not isinstance(kind, str) or kind not in PARTIES:
        return None
    return decode_fields(value, PARTIES[kind], kind)


def check_config(c):
    """Raises ConfigUnsupported unless `c` is a WorldConfig in wire form (docs/schema/config.json)."""
    def need(ok, what):
        if not ok:
            raise ConfigUnsupported("the configuration does not decode: " + what)

    need(isinstance(c, dict) and set(c) == {"suite", "machines", "adapters"}, "expected {suite, machines, adapters}")
    need(c["suite"] in ("noble", "node"), "suite is noble or node")
    need(isinstance(c["machines"], list) and isinstance(c["adapters"], list), "machines and adapters are lists")
    for m in c["machines"]:
        need(isinstance(m, dict) and set(m) == {"id", "hostKeys", "seed"}, "a machine is {id, hostKeys, seed}")
        need(wire_ok("id", m["id"]) and wire_ok("bytes", m["seed"]) and isinstance(m["hostKeys"], list), "a machine's id, seed and hostKeys")
        need(all(wire_ok("bytes", k) for k in m["hostKeys"]), "host keys are hex")
        m["id"] = safe_integer(m["id"])
    for a in c["adapters"]:
        need(isinstance(a, dict) and set(a) == {"id", "machine", "type", "masterKey"} and wire_ok("id", a["id"]) and wire_ok("id", a["machine"]), "an adapter is {id, machine, type, masterKey}")
        need(a["type"] in ("ep11", "accelerator", "cca") and wire_ok("bytes", a["masterKey"]), "an adapter's type is ep11, accelerator or cca and its master key is hex")
        a["id"], a["machine"] = safe_integer(a["id"]), safe_integer(a["machine"])


class Session:
    def __init__(self):
        self.platform = ToyPlatform()
        self.is_reset = False
        self.done = False

    def params(self, method, p, names):
        if p is None and not names:
            return {}
        if not isinstance(p, dict) or set(p) != set(names):
            raise RpcError(INVALID_PARAMS, "%s takes the params {%s}" % (method, ", ".join(names)))
        return p

    def need_reset(self, method):
        if not self.is_reset:
            raise RpcError(NOT_RESET, "%s before any reset" % method)

    def call(self, method, p):
        if method == "hello":
            self.params(method, p, [])
            return HELLO
        if method == "reset":
            config = self.params(method, p, ["config"])["config"]
            self.is_reset = False
            try:
                check_config(config)
                self.platform.reset(config)
            except ConfigUnsupported as e:
                raise RpcError(CONFIG_UNSUPPORTED, str(e))
            self.is_reset = True
            return {}
        if method == "apply":
            wire = self.params(method, p, ["action"])["action"]
            self.need_reset(method)
            action = decode_action(wire)
            return {"outcome": MALFORMED_ACTION if action is None else self.platform.apply(action)}
        if method == "observe":
            party = decode_party(self.params(method, p, ["party"])["party"])
            if party is None:
                raise RpcError(INVALID_PARAMS, "the party does not decode")
            self.need_reset(method)
            try:
                return {"view": self.platform.observe(party)}
            except NotModelled as e:
                raise RpcError(PARTY_NOT_MODELLED, str(e))
        if method == "bye":
            self.params(method, p, [])
            self.done = True
            return {}
        raise RpcError(METHOD_NOT_FOUND, "no method %s" % json.dumps(method))

    def handle(self, line):
        """The answer to one request line (a JSON object)."""
        def reject_constant(name):
            raise ValueError("%s is not JSON" % name)

        try:
            msg = json.loads(line, parse_constant=reject_constant)
        except ValueError as e:
            return {"jsonrpc": "2.0", "id": None, "error": {"code": PARSE_ERROR, "message": "not JSON: %s" % e}}
        rid = msg.get("id") if isinstance(msg, dict) else None
        if safe_integer(rid) is None or rid < 0:
            rid = None
        if not isinstance(msg, dict) or msg.get("jsonrpc") != "2.0" or rid is None or not isinstance(msg.get("method"), str):
            return {"jsonrpc": "2.0", "id": rid, "error": {"code": INVALID_REQUEST, "message": "not a JSON-RPC 2.0 request"}}
        try:
            return {"jsonrpc": "2.0", "id": rid, "result": self.call(msg["method"], msg.get("params"))}
        except RpcError as e:
            return {"jsonrpc": "2.0", "id": rid, "error": {"code": e.code, "message": str(e)}}
        except Exception as e:  # the implementation failed: say so, and keep serving
            return {"jsonrpc": "2.0", "id": rid, "error": {"code": INTERNAL_ERROR, "message": "%s: %s" % (type(e).__name__, e)}}


def main():
    session = Session()
    for line in sys.stdin:
        if not line.strip():
            continue
        answer = session.handle(line)
        sys.stdout.write(json.dumps(answer, separators=(",", ":")) + "\n")
        sys.stdout.flush()
        if session.done:
            return


if __name__ == "__main__":
    main()
