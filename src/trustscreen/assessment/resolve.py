"""Asset → attributions: every resolver the installation has, behind one call.

Resolvers that need data the user loads (network tables, cable data, host lists, a community app
list) are optional; the bundled ones (curated app package ids, equipment brands, websites of loaded
entities) are always there. Besides what the resolvers find, the parties an inventory line names
itself (vendor, developer, supplier, manufacturer, operator …) are attributed as declared.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from trustscreen.assets.android import AppRef, CommunityAppList, package_index
from trustscreen.assets.brands import BrandTable, resolve_brand
from trustscreen.assets.brands import load_table as load_brands
from trustscreen.assets.cables import CableIndex
from trustscreen.assets.domains import DomainIndex, resolve_domain
from trustscreen.assets.model import Asset, AssetKind, Attribution
from trustscreen.model import Entity

# Inventory fields that name a party behind the asset, and the role each gives it.
DECLARED_ROLES = (
    ("owner", "owner"),
    ("operator", "operator"),
    ("developer", "developer"),
    ("publisher", "publisher"),
    ("vendor", "vendor"),
    ("supplier", "supplier"),
    ("manufacturer", "manufacturer"),
    ("author", "author"),
    ("carrier", "carrier"),
    ("cloud", "cloud"),
    ("brand", "brand"),
)
# Asset kinds whose name is itself the party (a vendor named "Huawei", a carrier named "China Telecom").
_NAME_IS_PARTY = {
    AssetKind.VENDOR: "vendor",
    AssetKind.CARRIER: "carrier",
    AssetKind.CLOUD: "cloud",
    AssetKind.APP: "app",
}


class NetworkResolving(Protocol):
    def resolve(self, asset: Asset) -> list[Attribution]: ...


@dataclass(slots=True)
class Resolvers:
    packages: dict[str, tuple[AppRef, ...]] = field(default_factory=dict)
    bundles: dict[str, tuple[AppRef, ...]] = field(default_factory=dict)
    brands: BrandTable = field(default_factory=load_brands)
    domains: DomainIndex = field(default_factory=DomainIndex)
    network: NetworkResolving | None = None
    cables: CableIndex | None = None
    community_apps: CommunityAppList | None = None

    @classmethod
    def for_entities(cls, entities: Iterable[Entity], **optional: object) -> Resolvers:
        """Bundled resolvers over the loaded entities (app package ids, websites) plus optional ones."""
        entity_list = list(entities)
        domains = DomainIndex()
        domains.add_entities(entity_list)
        resolvers = cls(
            packages=package_index(entity_list), bundles=package_index(entity_list, "ios_bundle"), domains=domains
        )
        for key, value in optional.items():
            setattr(resolvers, key, value)
        return resolvers

    def attribute(self, asset: Asset) -> list[Attribution]:
        found: list[Attribution] = []
        found.extend(self._declared(asset))
        if asset.kind is AssetKind.APP:
            found.extend(self._app(asset))
        network_kinds = (AssetKind.IP, AssetKind.NETWORK_PATH, AssetKind.CARRIER, AssetKind.CLOUD)
        if asset.kind in network_kinds and self.network is not None:
            found.extend(self.network.resolve(asset))
        if asset.kind is AssetKind.DOMAIN or asset.identifier("domain"):
            found.extend(resolve_domain(asset, self.domains))
        if asset.kind is AssetKind.CABLE and self.cables is not None:
            found.extend(self.cables.resolve_cable(asset))
        found.extend(resolve_brand(asset, self.brands))
        return _dedupe(found)

    def _declared(self, asset: Asset) -> list[Attribution]:
        found = []
        role = _NAME_IS_PARTY.get(asset.kind)
        if role is not None:
            found.append(
                Attribution(asset.name, role, f"named in the inventory ({asset.origin})", asset.attribute("country"))
            )
        for key, role in DECLARED_ROLES:
            value = asset.attribute(key) or asset.identifier(key)
            if value:
                found.append(Attribution(value, role, f"{key} declared in the inventory ({asset.origin})"))
        return found

    def _app(self, asset: Asset) -> list[Attribution]:
        found = []
        for scheme, index, label in (
            ("android_package", self.packages, "Android package"),
            ("ios_bundle", self.bundles, "iOS bundle"),
        ):
            app_id = asset.identifier(scheme)
            for ref in index.get(app_id, ()) if app_id else ():
                found.append(
                    Attribution(
                        ref.app_name, "app", f"{label} {app_id} is listed app {ref.entity_id}", entity_id=ref.entity_id
                    )
                )
                for developer, developer_id in ref.developers:
                    found.append(
                        Attribution(
                            developer,
                            "developer",
                            f"{ref.entity_id} names {developer} as developer",
                            entity_id=developer_id,
                        )
                    )
        package = asset.identifier("android_package")
        if not found and package and self.community_apps is not None and package in self.community_apps.apps:
            name = self.community_apps.apps[package]
            found.append(
                Attribution(
                    name,
                    "app",
                    f"Android package {package} is {name!r} in {self.community_apps.file or 'the community app list'} "
                    "(community-compiled China-origin apps, not an official list)",
                )
            )
        return found


def _dedupe(attributions: list[Attribution]) -> list[Attribution]:
    """One attribution per (party, entity id); the first (most specific) evidence wins, roles merge."""
    merged: dict[tuple[str, str | None], Attribution] = {}
    for item in attributions:
        key = (item.party.casefold().strip(), item.entity_id)
        if key not in merged:
            merged[key] = item
    return list(merged.values())
