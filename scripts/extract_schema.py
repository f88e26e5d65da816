#!/usr/bin/env python3
"""Extract the part of Microsoft Graph's schema the simulator serves, for crates/sim/tests/graph_http/schema/.

Reads the v1.0 CSDL and the beta type lists beside REFERENCE.md (../shared/graph by default)
and writes:

  crates/sim/tests/data/graph-schema.json       entity, complex and enum types reachable from the types the
                                      simulator serves: properties with their types, navigation
                                      properties, base types, enum members; for v1.0 and beta.
  crates/sim/tests/data/graph-permissions.json  every permission name crates/sim/src/graph/perms.rs uses that the
                                      permission catalog knows, with its schemes.

Beta lists carry property names only: a beta property's type is taken from v1.0 when v1.0 has
the same property on the same type, else left null (the test then checks the name only).
Beta types have no base type in the lists; v1.0's base is used.

Usage: scripts/extract_schema.py [SHARED_GRAPH_DIR]
"""

import json
import os
import re
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "..", "shared", "graph")
if not os.path.isdir(SRC):
    SRC = "/work/shared/graph"
OUT = os.path.join(ROOT, "crates", "sim", "tests", "data")

# What the simulator serves (entity or complex types), by qualified name.
ROOTS = [
    "user", "riskyUser", "riskyUserHistoryItem", "riskDetection", "signIn", "directoryAudit",
    "directoryObject", "directoryRole", "unifiedRoleAssignment", "unifiedRoleDefinition",
    "authenticationMethod", "passwordAuthenticationMethod", "phoneAuthenticationMethod",
    "microsoftAuthenticatorAuthenticationMethod", "softwareOathAuthenticationMethod",
    "fido2AuthenticationMethod", "emailAuthenticationMethod",
    "temporaryAccessPassAuthenticationMethod", "windowsHelloForBusinessAuthenticationMethod",
    "longRunningOperation", "messageRule", "mailFolder", "mailboxSettings",
    "oAuth2PermissionGrant", "servicePrincipal", "signInActivity", "networkLocationDetail",
    "device", "group", "subscribedSku",
    "application", "appRoleAssignment",
]
NS = "microsoft.graph"

# Types of beta-only properties the beta lists name without a type, as REFERENCE.md §3.3 and
# the beta API reference state them.
BETA_TYPES = {
    "signIn.autonomousSystemNumber": "Edm.Int32",
    "signIn.networkLocationDetails": "Collection(microsoft.graph.networkLocationDetail)",
    "signIn.signInEventTypes": "Collection(Edm.String)",
    "signIn.sessionId": "Edm.String",
    "signIn.userType": "microsoft.graph.signInUserType",
    "signIn.authenticationRequirement": "Edm.String",
    "networkLocationDetail.networkType": "microsoft.graph.networkType",
    "networkLocationDetail.networkNames": "Collection(Edm.String)",
    "authenticationMethod.lastUsedDateTime": "Edm.DateTimeOffset",
    "microsoftAuthenticatorAuthenticationMethod.clientAppName":
        "microsoft.graph.microsoftAuthenticatorAuthenticationMethodClientAppName",
    "mailFolder.wellKnownName": "Edm.String",
    "servicePrincipal.publisherName": "Edm.String",
    "signInPreferences.isSystemPreferredAuthenticationMethodEnabled": "Edm.Boolean",
    "signInPreferences.userPreferredMethodForSecondaryAuthentication":
        "microsoft.graph.userDefaultAuthenticationMethodType",
}
EDM = "{http://docs.oasis-open.org/odata/ns/edm}"


def load_csdl(path):
    tree = ET.parse(path)
    aliases = {}
    schemas = tree.getroot().iter(EDM + "Schema")
    types = {}
    enums = {}
    schemas = list(schemas)
    for s in schemas:
        if s.get("Alias"):
            aliases[s.get("Alias")] = s.get("Namespace")

    def qualify(name):
        if not name:
            return None
        inner = name
        coll = name.startswith("Collection(")
        if coll:
            inner = name[len("Collection("):-1]
        if not inner.startswith("Edm."):
            head, _, tail = inner.rpartition(".")
            inner = "%s.%s" % (aliases.get(head, head), tail)
        return "Collection(%s)" % inner if coll else inner

    for s in schemas:
        ns = s.get("Namespace")
        for kind in ("EntityType", "ComplexType"):
            for t in s.iter(EDM + kind):
                props = {p.get("Name"): qualify(p.get("Type")) for p in t.findall(EDM + "Property")}
                navs = {p.get("Name"): qualify(p.get("Type")) for p in t.findall(EDM + "NavigationProperty")}
                types["%s.%s" % (ns, t.get("Name"))] = {
                    "kind": "entity" if kind == "EntityType" else "complex",
                    "base": qualify(t.get("BaseType")),
                    "properties": props,
                    "navigation": navs,
                }
        for e in s.iter(EDM + "EnumType"):
            members = [m.get("Name") for m in e.findall(EDM + "Member")]
            enums["%s.%s" % (ns, e.get("Name"))] = {"flags": e.get("IsFlags") == "true", "members": members}
    return types, enums


def element(t):
    return t[len("Collection("):-1] if t and t.startswith("Collection(") else t


def closure(types, enums, roots):
    """Every type reachable from the roots through properties, navigations, bases and subtypes
    of served abstract types."""
    keep_types, keep_enums = set(), set()
    todo = ["%s.%s" % (NS, r) for r in roots]
    while todo:
        name = todo.pop()
        if name in keep_types or name in keep_enums:
            continue
        if name in enums:
            keep_enums.add(name)
            continue
        t = types.get(name)
        if t is None:
            continue
        keep_types.add(name)
        if t["base"]:
            todo.append(t["base"])
        for ty in list(t["properties"].values()):
            todo.append(element(ty))
    return keep_types, keep_enums


def beta_lists():
    def load(name):
        with open(os.path.join(SRC, "beta-%s-types.json" % name)) as f:
            return json.load(f)
    return load("entity"), load("complex"), load("enum")


def main():
    v1_types, v1_enums = load_csdl(os.path.join(SRC, "v1.0-Prod.csdl"))
    keep_types, keep_enums = closure(v1_types, v1_enums, ROOTS)
    beta_entities, beta_complex, beta_enums = beta_lists()

    v1 = {"types": {n: v1_types[n] for n in sorted(keep_types)},
          "enums": {n: v1_enums[n] for n in sorted(keep_enums)}}

    beta = {"types": {}, "enums": {}}
    wanted = set(keep_types) | {"%s.%s" % (NS, r) for r in ROOTS}
    # Beta-only complex types the simulator serves.
    wanted |= {"%s.networkLocationDetail" % NS, "%s.signInPreferences" % NS}
    extra_enums = set()
    for qn in sorted(wanted):
        ns, _, short = qn.rpartition(".")
        src = (beta_entities.get(ns, {}).get(short), "entity")
        if src[0] is None:
            src = (beta_complex.get(ns, {}).get(short), "complex")
        lists, kind = src
        if lists is None:
            continue
        v1t = v1_types.get(qn, {"properties": {}, "navigation": {}, "base": None})
        props = {p: v1t["properties"].get(p) or BETA_TYPES.get("%s.%s" % (short, p))
                 for p in lists["properties"]}
        navs = {p: v1t["navigation"].get(p) for p in lists["navigationProperties"]}
        base = v1t["base"] if qn in v1_types else (None if kind == "complex" else "%s.entity" % NS)
        beta["types"][qn] = {"kind": kind, "base": base, "properties": props, "navigation": navs}
        for ty in props.values():
            if ty and not element(ty).startswith("Edm."):
                extra_enums.add(element(ty))
    beta["types"].setdefault("%s.entity" % NS, v1["types"].get("%s.entity" % NS))
    for qn in sorted(keep_enums | extra_enums):
        ns, _, short = qn.rpartition(".")
        members = beta_enums.get(ns, {}).get(short)
        if members is not None and qn not in beta["types"]:
            beta["enums"][qn] = {"flags": v1_enums.get(qn, {}).get("flags", False), "members": members}

    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "graph-schema.json"), "w") as f:
        json.dump({"source": "v1.0-Prod.csdl, beta-{entity,complex,enum}-types.json",
                   "v1.0": v1, "beta": beta}, f, indent=1, sort_keys=True)
        f.write("\n")

    with open(os.path.join(SRC, "permissions.json")) as f:
        catalog = json.load(f)["permissions"]
    with open(os.path.join(ROOT, "crates", "sim", "src", "graph", "perms.rs")) as f:
        used = sorted(set(re.findall(r'"([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"', f.read())))
    perms = {n: sorted(catalog[n]["schemes"].keys()) for n in used if n in catalog}
    with open(os.path.join(OUT, "graph-permissions.json"), "w") as f:
        json.dump({"source": "permissions.json", "permissions": perms}, f, indent=1, sort_keys=True)
        f.write("\n")
    print("types: v1.0 %d, beta %d; enums: v1.0 %d, beta %d; permissions %d of %d used"
          % (len(v1["types"]), len(beta["types"]), len(v1["enums"]), len(beta["enums"]), len(perms), len(used)))


if __name__ == "__main__":
    main()
