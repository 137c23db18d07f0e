"""Android packages: `pm list packages` output in all its variants, the curated package index, and the
community "Remove China Apps" list with its known defects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from trustscreen.assets.android import (
    AppRef,
    curated_package_index,
    load_community_list,
    package_index,
    parse_packages,
)
from trustscreen.assets.model import AssetKind
from trustscreen.errors import SourceError
from trustscreen.model import Entity, EntityKind, Identifier, Name, Relation, RelationKind

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "packages.txt"
COMMUNITY = "tech/china_apps_android_packages_remove-china-apps.json"


# --- pm list packages -----------------------------------------------------------------------


def test_example_packages() -> None:
    assets = parse_packages(EXAMPLE)
    # 10 lines, one package each (wc -l examples/packages.txt).
    assert len(assets) == 10
    assert {asset.kind for asset in assets} == {AssetKind.APP}
    tiktok = assets[2]
    assert (tiktok.name, tiktok.origin) == ("com.zhiliaoapp.musically", "packages.txt line 3")
    assert tiktok.identifiers == (("android_package", "com.zhiliaoapp.musically"),)
    assert tiktok.attributes == (("installer", "com.android.vending"),)
    settings = assets[8]
    assert settings.name == "com.android.settings" and settings.attributes == ()  # installer=null
    assert assets[9].attribute("installer") == "com.google.android.packageinstaller"


def write(tmp_path: Path, text: str, name: str = "packages.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_variants_of_the_output(tmp_path: Path) -> None:
    text = (
        "package:com.tencent.mm\r\n"
        "package:/data/app/~~Rx9Q_a==/com.zhiliaoapp.musically-9Yb2==/base.apk=com.zhiliaoapp.musically\r\n"
        "\r\n"
        "# captured 2025-01-20 from a staff phone\r\n"
        "package:/system/priv-app/Settings/Settings.apk=com.android.settings  installer=null uid:1000\r\n"
        "package:com.lenovo.anyshare.gps  installer=com.android.vending versionCode:4070568\r\n"
    )
    mm, tiktok, settings, shareit = parse_packages(write(tmp_path, text))
    assert mm.attributes == () and mm.origin == "packages.txt line 1"
    assert tiktok.name == "com.zhiliaoapp.musically"
    assert tiktok.attribute("apk_path") == "/data/app/~~Rx9Q_a==/com.zhiliaoapp.musically-9Yb2==/base.apk"
    assert settings.origin == "packages.txt line 5"
    assert settings.attributes == (("apk_path", "/system/priv-app/Settings/Settings.apk"), ("uid", "1000"))
    assert shareit.attributes == (("installer", "com.android.vending"), ("version_code", "4070568"))


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        ("package:com.a.b\n* daemon started successfully\n", 2, "package", ("'* daemon", "'package:<id>'")),
        ("com.tencent.mm\n", 1, "package", ("expected 'package:<id>'",)),
        ("package:WeChat\n", 1, "package", ("Android package id",)),
        ("package:\n", 1, "package", ("is empty",)),
        ("package:com.a.b\npackage:com.c.d\npackage:com.a.b\n", 3, "package", ("first on line 1",)),
        ("package:com.a.b  label=Foo\n", 1, "option", ("'label=Foo'",)),
        ("package:com." + "a" * 10_001 + "\n", 1, "package", ("at most 10000",)),
    ],
)
def test_bad_package_lists(tmp_path: Path, text: str, line: int, field: str, words: tuple[str, ...]) -> None:
    path = write(tmp_path, text)
    with pytest.raises(SourceError) as info:
        parse_packages(path)
    message = str(info.value)
    assert message.startswith(str(path))
    for word in words:
        assert word in message, message
    assert (info.value.line, info.value.field) == (line, field)


def test_empty_and_comment_only_lists(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="empty"):
        parse_packages(write(tmp_path, "\n\n"))
    with pytest.raises(SourceError, match="no package lines"):
        parse_packages(write(tmp_path, "# nothing installed\n"))


def test_bad_encoding(tmp_path: Path) -> None:
    path = tmp_path / "packages.txt"
    path.write_bytes(b"package:com.a.b\npackage:com.\xe9t\xe9.app\n")
    with pytest.raises(SourceError, match="not valid utf-8") as info:
        parse_packages(path)
    assert info.value.line == 2


# --- package index from listed entities -----------------------------------------------------


def test_curated_package_index() -> None:
    index = curated_package_index()
    # grep -ho 'scheme: android_package, value: [^,}]*' src/trustscreen/data/curated/*.yaml gives 60
    # identifiers (53 in in_it_act_69a.yaml, 7 in us_eo_apps.yaml) naming 54 distinct packages: six
    # apps are on both lists (TikTok, WeChat, VMate, SHAREit, CamScanner, Alipay).
    assert len(index) == 54
    assert sum(len(refs) for refs in index.values()) == 60
    assert sorted(package for package, refs in index.items() if len(refs) == 2) == [
        "com.eg.android.AlipayGphone",
        "com.intsig.camscanner",
        "com.lenovo.anyshare.gps",
        "com.tencent.mm",
        "com.uc.vmate",
        "com.zhiliaoapp.musically",
    ]
    assert index["com.tencent.mm"] == (
        AppRef("WeChat", "in-it-69a:wechat", (("Tencent", None),)),
        AppRef("WeChat", "us-eo-apps:wechat", (("Tencent Holdings Ltd.", "us-eo-apps:tencent"),)),
    )
    assert index["app.buzz.share"] == (AppRef("Helo", "in-it-69a:helo", (("ByteDance", None),)),)
    resolved = [asset.name for asset in parse_packages(EXAMPLE) if asset.name in index]
    assert resolved == ["com.zhiliaoapp.musically", "com.tencent.mm", "com.lenovo.anyshare.gps"]


def test_package_index_ignores_entities_without_packages() -> None:
    app = Entity(
        id="x-list:app",
        kind=EntityKind.APP,
        names=(Name("Some App"),),
        identifiers=(
            Identifier("android_package", "com.some.app"),
            Identifier("android_package", "com.some.app"),
            Identifier("ios_bundle", "com.some.ios"),
        ),
        relations=(Relation(RelationKind.OWNER, "Holding Co"),),
    )
    company = Entity(id="x-list:co", kind=EntityKind.ORGANIZATION, names=(Name("Co"),))
    assert package_index([company, app]) == {"com.some.app": (AppRef("Some App", "x-list:app"),)}


# --- the community list ---------------------------------------------------------------------


def test_real_community_list(shared_data: Path) -> None:
    table = load_community_list(shared_data / COMMUNITY)
    # 129 objects (grep -c p_name), all with distinct p_name. The one typo "om.dewmobile.kuaiya.play"
    # is corrected; "com.dewmobile.kuaiya.play" is not otherwise listed, so all 129 stay.
    assert len(table.apps) == 129
    assert table.corrections == (("om.dewmobile.kuaiya.play", "com.dewmobile.kuaiya.play"),)
    assert table.apps["com.dewmobile.kuaiya.play"] == "Zapya - File Transfer, Sharing Music Playlist"
    assert "om.dewmobile.kuaiya.play" not in table.apps
    # PROVENANCE.md says this copy starts with com.whatsapp; it does not (it starts with
    # app.buzz.share) and WhatsApp is absent, so nothing is excluded.
    assert table.excluded == ()
    assert "com.whatsapp" not in table.apps
    assert next(iter(table.apps)) == "app.buzz.share"
    assert table.apps["com.zhiliaoapp.musically"] == "TikTok"
    assert table.apps["com.tencent.mm"] == "Wechat"
    # "Meitu " and "Pomelo " carry a trailing space in the file.
    assert table.apps["com.mt.mtxx.mtxx"] == "Meitu"
    assert table.apps["com.beautyplus.pomelo.filters.photo"] == "Pomelo"
    # Two packages share the name "TikTok Lite".
    assert sorted(package for package, name in table.apps.items() if name == "TikTok Lite") == [
        "com.ss.android.ugc.trill.go",
        "com.zhiliaoapp.musically.go",
    ]


def write_json(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "apps.json"
    path.write_text(json.dumps(data), "utf-8")
    return path


def test_community_list_known_defects(tmp_path: Path) -> None:
    data = [
        {"p_name": "com.whatsapp", "a_name": "WhatsApp"},
        {"p_name": "com.dewmobile.kuaiya.play", "a_name": "Zapya"},
        {"p_name": "om.dewmobile.kuaiya.play", "a_name": "Zapya (typo)"},
    ]
    table = load_community_list(write_json(tmp_path, data))
    assert dict(table.apps) == {"com.dewmobile.kuaiya.play": "Zapya"}
    assert [package for package, _ in table.excluded] == ["com.whatsapp", "com.dewmobile.kuaiya.play"]


@pytest.mark.parametrize(
    ("data", "record", "field", "words"),
    [
        ({"p_name": "com.a.b"}, None, None, ("non-empty list",)),
        ([], None, None, ("non-empty list",)),
        (["com.a.b"], "[0]", None, ("expected an object",)),
        ([{"p_name": "com.a.b"}], "[0]", "a_name", ("non-empty string",)),
        ([{"p_name": "com.a.b", "a_name": " "}], "[0]", "a_name", ("non-empty string",)),
        ([{"p_name": 5, "a_name": "A"}], "[0]", "p_name", ("non-empty string",)),
        ([{"p_name": "Not A Package", "a_name": "A"}], "[0]", "p_name", ("Android package id",)),
        ([{"p_name": "com.a.b", "a_name": "A", "rating": 5}], "[0]", "rating", ("unknown key",)),
        (
            [{"p_name": "com.a.b", "a_name": "A"}, {"p_name": "com.a.b", "a_name": "B"}],
            "[1]",
            "p_name",
            ("first at [0]",),
        ),
    ],
)
def test_bad_community_lists(
    tmp_path: Path, data: Any, record: str | None, field: str | None, words: tuple[str, ...]
) -> None:
    path = write_json(tmp_path, data)
    with pytest.raises(SourceError) as info:
        load_community_list(path)
    for word in words:
        assert word in str(info.value), str(info.value)
    assert (info.value.record, info.value.field) == (record, field)


def test_community_list_malformed_json(tmp_path: Path) -> None:
    path = tmp_path / "apps.json"
    path.write_text('[\n  {"p_name": "com.a.b",\n   "a_name": }\n]\n', "utf-8")
    with pytest.raises(SourceError, match="malformed JSON") as info:
        load_community_list(path)
    assert info.value.line == 3
