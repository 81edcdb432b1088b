"""A toy implementation of the platform's own actions: create-guest and destroy-guest.

It stands for the implementation you want to check (firmware, an emulator, a simulator). It
follows spec/platform.md (REQ-PLATFORM-1 to 5) and model/platform/lifecycle.ts:

- guests get IDs 1, 2, 3, ... from a counter that a destroy never turns back (IDs are never reused);
- create-guest checks that the machine exists (MACHINE_NOT_FOUND), then that the memory size is
  1 to 2**26 pages (INVALID_MEMORY_SIZE);
- destroy-guest checks that the guest exists (GUEST_NOT_FOUND).

It does not implement image-unpack (set-header, unpack, verify, start): those need the SE
header's cryptography. For them it answers what needs no cryptography (GUEST_NOT_FOUND, the
first guard of each) and otherwise raises NotImplementedError; adapter.py declares
`mechanisms: []` in hello, so the checker sends it only the platform's own actions.

Actions, parties, views and the configuration arrive and leave in their wire form (JSON values:
bytes as lower-case hex, u64 as "0x..."); adapter.py has already checked the wire form of
actions and parties, so everything here is well-formed.
"""

MAX_GUEST_PAGES = 2 ** 26

# Rejection codes and the requirement each one answers for (spec/platform.md, "Shared codes").
MACHINE_NOT_FOUND = ("MACHINE_NOT_FOUND", "REQ-PLATFORM-3")
GUEST_NOT_FOUND = ("GUEST_NOT_FOUND", "REQ-PLATFORM-2")
INVALID_MEMORY_SIZE = ("INVALID_MEMORY_SIZE", "REQ-PLATFORM-4")


class ConfigUnsupported(Exception):
    """The configuration cannot be run (the adapter answers CONFIG_UNSUPPORTED)."""


class NotModelled(Exception):
    """This party's view is not modelled (the adapter answers PARTY_NOT_MODELLED)."""


def accepted(response):
    return {"kind": "accepted", "response": response}


def rejected(code):
    return {"kind": "rejected", "code": code[0], "requirement": code[1]}


class ToyPlatform:
    """The state of one world: machines, adapters, guests and the next guest ID."""

    def __init__(self):
        self.machines = None

    def reset(self, config):
        """Starts over from a configuration (its wire form): no guests, the first ID is 1."""
        machines = {}
        for m in config["machines"]:
            if m["id"] in machines:
                raise ConfigUnsupported("machine %d is configured twice" % m["id"])
            for key in m["hostKeys"]:
                # A real implementation checks the P-521 scalar; the toy only its length.
                if len(key) != 2 * 66:
                    raise ConfigUnsupported("a host key of machine %d is not a P-521 private scalar of 66 bytes" % m["id"])
            machines[m["id"]] = {"id": m["id"], "hostKeys": list(m["hostKeys"])}
        adapters = {}
        for a in config["adapters"]:
            if a["id"] in adapters:
                raise ConfigUnsupported("adapter %d is configured twice" % a["id"])
            if a["machine"] not in machines:
                raise ConfigUnsupported("adapter %d: no machine %d" % (a["id"], a["machine"]))
            adapters[a["id"]] = {"id": a["id"], "machine": a["machine"]}
        self.machines = machines
        self.adapters = adapters
        self.guests = {}
        self.next_guest_id = 1

    def apply(self, action):
        """Applies a well-formed action (wire form) and returns its outcome (wire form)."""
        kind = action["kind"]
        if kind == "create-guest":
            if action["machine"] not in self.machines:
                return rejected(MACHINE_NOT_FOUND)
            pages = action["memoryPages"]
            if pages < 1 or pages > MAX_GUEST_PAGES:
                return rejected(INVALID_MEMORY_SIZE)
            guest = self.next_guest_id
            self.next_guest_id += 1
            self.guests[guest] = {"id": guest, "machine": action["machine"], "memoryPages": pages, "phase": "created"}
            return accepted({"guest": guest})
        if kind == "destroy-guest":
            if action["guest"] not in self.guests:
                return rejected(GUEST_NOT_FOUND)
            del self.guests[action["guest"]]
            return accepted({})
        # image-unpack: only its first guard needs no cryptography.
        if action["guest"] not in self.guests:
            return rejected(GUEST_NOT_FOUND)
        raise NotImplementedError("the toy does not implement %s" % kind)

    def observe(self, party):
        """The view of a party (wire form), None for a guest, owner or adapter that does not exist."""
        kind = party["kind"]
        if kind == "hypervisor":
            if any(m["hostKeys"] for m in self.machines.values()):
                # Its machines' host key hashes (PHKH) need P-521 and SHA-256 of the public key.
                raise NotModelled("the toy cannot compute host key hashes")
            return {
                "party": "hypervisor",
                "machines": [{"id": i, "hostKeyHashes": []} for i in sorted(self.machines)],
                "guests": [
                    {"id": g["id"], "machine": g["machine"], "memoryPages": g["memoryPages"], "phase": g["phase"], "header": None, "unpackedPages": 0}
                    for _, g in sorted(self.guests.items())
                ],
                "adapters": [{"id": a["id"], "machine": a["machine"], "boundGuest": None} for _, a in sorted(self.adapters.items())],
                "nonSecureMemory": [],
                "interceptions": [],
                "dumps": [],
                "migrationStreams": [],
                "relayed": [],
                "volumes": [],
            }
        if kind == "guest":
            g = self.guests.get(party["guest"])
            if g is None:
                return None
            return {"party": "guest", "id": g["id"], "phase": g["phase"], "psw": {"mask": "0x0", "addr": "0x0"}, "prefix": 0, "memory": [], "startup": None, "cboot": {"keyLoaded": False, "volumeSectors": None, "started": None}}
        if kind == "owner":
            g = self.guests.get(party["guest"])
            if g is None:
                return None
            return {"party": "owner", "id": g["id"], "phase": g["phase"], "verifyFailure": None}
        if kind == "adapter":
            a = self.adapters.get(party["adapter"])
            if a is None:
                return None
            return {"party": "adapter", "id": a["id"], "machine": a["machine"], "boundGuest": None}
        if kind == "host-manager":
            return {"party": "host-manager", "deployments": []}
        return {"party": "client", "deployments": []}
