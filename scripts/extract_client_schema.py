#!/usr/bin/env python3
"""Extract the Graph types the client models (crates/graph/src/models) from the real schema.

Reads ../shared/graph/v1.0-Prod.csdl and beta-{entity,complex,enum}-types.json and writes
tests/data/client-schema.json, which tests/client/models.rs checks every model field against
(and tests/data/client-permissions.json, the permission names and schemes of permissions.json)
(the tests must pass without ../shared, so the extract is committed).

Usage: scripts/extract_client_schema.py [SHARED_GRAPH_DIR] [OUT]
"""
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

NS = {"edm": "http://docs.oasis-open.org/odata/ns/edm"}

# The v1.0 types the client models (entity and complex types; enums follow transitively).
V1_TYPES = [
    "riskyUser", "riskyUserHistoryItem", "riskUserActivity", "riskDetection",
    "user", "directoryRole", "unifiedRoleAssignment", "unifiedRoleDefinition",
    "signIn", "signInStatus", "deviceDetail", "signInLocation", "geoCoordinates",
    "directoryAudit", "auditActivityInitiator", "userIdentity", "appIdentity",
    "targetResource", "modifiedProperty", "keyValue",
    "authenticationMethod", "passwordAuthenticationMethod", "phoneAuthenticationMethod",
    "microsoftAuthenticatorAuthenticationMethod", "temporaryAccessPassAuthenticationMethod",
    "fido2AuthenticationMethod", "softwareOathAuthenticationMethod",
    "emailAuthenticationMethod", "windowsHelloForBusinessAuthenticationMethod",
    "platformCredentialAuthenticationMethod", "longRunningOperation",
    "messageRule", "messageRulePredicates", "messageRuleActions", "recipient",
    "emailAddress", "sizeRange", "mailFolder", "mailboxSettings",
    "automaticRepliesSetting", "dateTimeTimeZone", "localeInfo",
    "oAuth2PermissionGrant", "servicePrincipal", "organization", "verifiedDomain", "device",
    "subscribedSku", "servicePlanInfo",
    "application", "passwordCredential", "keyCredential", "verifiedPublisher", "appRoleAssignment",
]
# Beta types the client reads (sign-in fields only beta serves), plus the beta view of the
# v1.0 types above (to check beta-only fields by name).
BETA_ONLY_TYPES = ["networkLocationDetail", "authenticationDetail", "signInPreferences"]


def strip(t):
    """`Collection(graph.x)` -> `Collection(microsoft.graph.x)`; `graph.x` -> `microsoft.graph.x`."""
    if t.startswith("Collection(") and t.endswith(")"):
        return "Collection(" + strip(t[len("Collection("):-1]) + ")"
    if t.startswith("graph."):
        return "microsoft.graph." + t[len("graph."):]
    return t


def load_v1(csdl):
    root = ET.parse(csdl).getroot()
    schema = next(s for s in root.iter("{%s}Schema" % NS["edm"]) if s.get("Namespace") == "microsoft.graph")
    types, enums = {}, {}
    for kind in ("EntityType", "ComplexType"):
        for t in schema.findall("edm:%s" % kind, NS):
            props = {p.get("Name"): strip(p.get("Type")) for p in t.findall("edm:Property", NS)}
            # Navigation properties come back with $expand (e.g. roleDefinition).
            props.update({p.get("Name"): strip(p.get("Type")) for p in t.findall("edm:NavigationProperty", NS)})
            base = t.get("BaseType")
            types[t.get("Name")] = {
                "kind": "entity" if kind == "EntityType" else "complex",
                "base": base[len("graph."):] if base else None,
                "props": props,
            }
    for e in schema.findall("edm:EnumType", NS):
        enums[e.get("Name")] = [m.get("Name") for m in e.findall("edm:Member", NS)]
    return types, enums


def flatten(types, name):
    props = {}
    t = types[name]
    if t["base"]:
        props.update(flatten(types, t["base"]))
    props.update(t["props"])
    return props


def main():
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "graph"
    if not shared.exists():
        shared = Path("/work/shared/graph")
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).resolve().parents[1] / "tests" / "data" / "client-schema.json"
    types, enums = load_v1(shared / "v1.0-Prod.csdl")
    beta = {}
    for f in ("beta-entity-types.json", "beta-complex-types.json"):
        beta.update(json.loads((shared / f).read_text())["microsoft.graph"])
    beta_enums = json.loads((shared / "beta-enum-types.json").read_text())["microsoft.graph"]

    v1 = {}
    used_enums = set()
    for name in V1_TYPES:
        props = flatten(types, name)
        v1[name] = {"kind": types[name]["kind"], "properties": dict(sorted(props.items()))}
        for ty in props.values():
            inner = ty[len("Collection("):-1] if ty.startswith("Collection(") else ty
            short = inner[len("microsoft.graph."):] if inner.startswith("microsoft.graph.") else None
            if short in enums:
                used_enums.add(short)
    beta_out = {}
    for name in V1_TYPES + BETA_ONLY_TYPES:
        if name in beta:
            beta_out[name] = sorted(set(beta[name]["properties"]))
    out_doc = {
        "source": "extracted by scripts/extract_client_schema.py from v1.0-Prod.csdl and beta-*-types.json",
        "v1.0": {"types": v1, "enums": {e: enums[e] for e in sorted(used_enums)}},
        "beta": {
            "types": beta_out,
            "enums": {e: beta_enums[e] for e in sorted(used_enums) if e in beta_enums},
        },
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(out_doc, indent=1, sort_keys=False) + "\n")
    # Every permission name with the schemes it exists in, for the permission table's check
    # (crates/graph/src/permissions.rs).
    perms = json.loads((shared / "permissions.json").read_text())["permissions"]
    perm_out = {name: sorted(p.get("schemes", {}).keys()) for name, p in sorted(perms.items())}
    (out.parent / "client-permissions.json").write_text(json.dumps(perm_out, separators=(",", ":")) + "\n")
    print(f"wrote {out}: {len(v1)} v1.0 types, {len(used_enums)} enums, {len(beta_out)} beta types")


if __name__ == "__main__":
    main()
