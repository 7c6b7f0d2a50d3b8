"""Demo member lists (会員名簿) of the six demo projects.

The counts by type at the end of FY2005 (31 March 2006) are the seed's where it gives them
(DOMAIN.md: TAMA — the Kanto project's list here — about 280 firms, 35 educational institutions,
65 local governments and chambers, 11 financial institutions; Kinki bio about 230 firms, 50
universities and public research institutes, 9 local governments, 19 financial institutions;
Hokkaido about 360 firms, 21 universities and research institutes, 6 local governments, 42
financial institutions); the other three projects are smaller and invented. Firms are fictional
and say so in their names (「（架空）」, and `fictional`); universities, research institutes,
local governments and financial institutions are real names (no corporate numbers are made
up). Several universities and institutes sit in more than one project, so the national 実数 of
universities is below the 延べ数. Firms keep joining in FY2006–FY2008 and a few leave.

Reproducible (a fixed seed per project) and idempotent (a project that has a list is left as it
is); written with bulk_create and audited under the bureau's demo staff.
"""

import datetime
import random

from simple_history.utils import bulk_create_with_history

from projects.models import Membership, Organisation, OrganisationType, Project
from projects.registry import normalise_name

T = OrganisationType


def names(text: str) -> list[str]:
    """Names written as one string, separated by spaces."""
    return text.split()


AIST = "独立行政法人産業技術総合研究所"
RIKEN = "独立行政法人理化学研究所"

KANTO_UNIVERSITIES = names(
    "東京工業大学 東京農工大学 電気通信大学 首都大学東京 工学院大学 中央大学 法政大学 明治大学 "
    "早稲田大学 慶應義塾大学 東京理科大学 拓殖大学 創価大学 東海大学 神奈川工科大学 横浜国立大学 "
    "芝浦工業大学 東京電機大学 日本大学 帝京大学 杏林大学 明星大学 多摩美術大学 東京造形大学 "
    "桜美林大学 国士舘大学 山梨大学 埼玉大学 東京都立航空工業高等専門学校 "
    "東京都立工業高等専門学校 東京工業高等専門学校"
) + ["東京大学", "東北大学", "名古屋大学", "九州大学"]  # 35
TAMA_CITIES = names(
    "八王子市 立川市 武蔵野市 三鷹市 青梅市 府中市 昭島市 調布市 町田市 小金井市 小平市 日野市 "
    "東村山市 国分寺市 国立市 福生市 狛江市 東大和市 清瀬市 東久留米市 武蔵村山市 多摩市 稲城市 "
    "羽村市 あきる野市 西東京市 相模原市 厚木市 大和市 座間市 海老名市 綾瀬市 川越市 所沢市 "
    "飯能市 狭山市 入間市"
)
KANTO_GOVERNMENTS = ["東京都", "神奈川県", "埼玉県", *TAMA_CITIES[:37]]  # 40
KANTO_CHAMBERS = [
    f"{city.removesuffix('市')}商工会議所"
    for city in ("八王子市", "立川市", "武蔵野市", "青梅市", "町田市", "相模原市", "厚木市")
] + [
    f"{city}商工会"
    for city in names(
        "三鷹市 府中市 昭島市 調布市 小金井市 小平市 日野市 東村山市 国分寺市 国立市 福生市 "
        "狛江市 東大和市 多摩市 稲城市 羽村市 あきる野市 西東京市"
    )
]  # 25
KANTO_FINANCE = names(
    "多摩信用金庫 西武信用金庫 青梅信用金庫 城南信用金庫 横浜銀行 八千代銀行 東京都民銀行 "
    "商工組合中央金庫 日本政策投資銀行 中小企業金融公庫 さわやか信用金庫"
)  # 11

KINKI_UNIVERSITIES = names(
    "神戸大学 大阪府立大学 大阪市立大学 京都工芸繊維大学 奈良先端科学技術大学院大学 同志社大学 "
    "立命館大学 関西大学 近畿大学 龍谷大学 甲南大学 関西学院大学 摂南大学 大阪薬科大学 "
    "京都薬科大学 神戸薬科大学 兵庫県立大学 和歌山大学 滋賀医科大学 京都府立医科大学 大阪医科大学 "
    "関西医科大学 奈良県立医科大学 長浜バイオ大学 神戸学院大学 大阪工業大学 京都府立大学 "
    "奈良女子大学 武庫川女子大学 京都大学 大阪大学 東京大学 東北大学 名古屋大学 九州大学"
)  # 35
KINKI_RESEARCH = [
    AIST,
    RIKEN,
    "独立行政法人医薬基盤研究所",
    "国立循環器病センター",
    "大阪府立産業技術総合研究所",
    "京都市産業技術研究所",
    "兵庫県立工業技術センター",
    "奈良県工業技術センター",
    "滋賀県工業技術総合センター",
    "和歌山県工業技術センター",
    "京都府中小企業技術センター",
    "大阪市立工業研究所",
    "独立行政法人放射線医学総合研究所",
    "独立行政法人農業生物資源研究所",
    "財団法人大阪バイオサイエンス研究所",
]  # 15 (35 + 15 = 50)
KINKI_GOVERNMENTS = names("大阪府 京都府 兵庫県 滋賀県 奈良県 和歌山県 大阪市 神戸市 京都市")
KINKI_FINANCE = names(
    "池田銀行 近畿大阪銀行 関西アーバン銀行 京都銀行 滋賀銀行 南都銀行 紀陽銀行 みなと銀行 "
    "但馬銀行 大阪信用金庫 京都中央信用金庫 京都信用金庫 尼崎信用金庫 大阪市信用金庫 "
    "三菱東京UFJ銀行 三井住友銀行 りそな銀行 日本政策投資銀行 商工組合中央金庫"
)  # 19

HOKKAIDO_UNIVERSITIES = names(
    "北海道大学 室蘭工業大学 北見工業大学 小樽商科大学 帯広畜産大学 旭川医科大学 札幌医科大学 "
    "公立はこだて未来大学 北海道工業大学 北海学園大学 北海道情報大学 千歳科学技術大学 "
    "函館工業高等専門学校 苫小牧工業高等専門学校 釧路工業高等専門学校 旭川工業高等専門学校 東北大学"
)  # 17
HOKKAIDO_RESEARCH = [
    AIST,
    "北海道立工業試験場",
    "北海道立食品加工研究センター",
    "北海道立林産試験場",
]  # 4 (17 + 4 = 21)
HOKKAIDO_GOVERNMENTS = names("北海道 札幌市 函館市 旭川市 室蘭市 帯広市")
HOKKAIDO_FINANCE = names(
    "北洋銀行 北海道銀行 北陸銀行 札幌銀行 札幌信用金庫 北海信用金庫 小樽信用金庫 北門信用金庫 "
    "室蘭信用金庫 苫小牧信用金庫 伊達信用金庫 空知信用金庫 旭川信用金庫 稚内信用金庫 留萌信用金庫 "
    "北星信用金庫 帯広信用金庫 釧路信用金庫 網走信用金庫 遠軽信用金庫 北見信用金庫 函館信用金庫 "
    "江差信用金庫 渡島信用金庫 日高信用金庫 大地みらい信用金庫 北空知信用金庫 紋別信用金庫 "
    "根室信用金庫 北央信用組合 札幌中央信用組合 函館商工信用組合 空知商工信用組合 "
    "釧路信用組合 商工組合中央金庫 日本政策投資銀行 中小企業金融公庫 国民生活金融公庫 "
    "みずほ銀行 三菱東京UFJ銀行 三井住友銀行 北海道信用保証協会"
)  # 42

TOHOKU_UNIVERSITIES = names(
    "東北大学 岩手大学 山形大学 秋田大学 弘前大学 福島大学 会津大学 東北学院大学 東北工業大学 "
    "宮城工業高等専門学校 東京大学 北海道大学"
)
TOHOKU_RESEARCH = [AIST, "宮城県産業技術総合センター", "岩手県工業技術センター"]
TOHOKU_GOVERNMENTS = names("宮城県 岩手県 山形県 仙台市 米沢市 北上市")
TOHOKU_FINANCE = names("七十七銀行 岩手銀行 山形銀行 東邦銀行 杜の都信用金庫 日本政策投資銀行")

CHUBU_UNIVERSITIES = names(
    "名古屋大学 名古屋工業大学 豊橋技術科学大学 岐阜大学 三重大学 静岡大学 豊田工業大学 "
    "中部大学 名城大学 愛知工業大学 京都大学 東京大学"
)
CHUBU_RESEARCH = [AIST, "あいち産業科学技術総合センター", "岐阜県産業技術センター"]
CHUBU_GOVERNMENTS = names("愛知県 岐阜県 三重県 静岡県 名古屋市 豊田市 浜松市")
CHUBU_FINANCE = names(
    "名古屋銀行 中京銀行 大垣共立銀行 十六銀行 百五銀行 岡崎信用金庫 瀬戸信用金庫"
)

KYUSHU_UNIVERSITIES = names(
    "九州大学 九州工業大学 熊本大学 大分大学 佐賀大学 長崎大学 鹿児島大学 宮崎大学 "
    "福岡大学 北九州市立大学 大阪大学 東北大学"
)
KYUSHU_RESEARCH = [AIST, "福岡県工業技術センター", "熊本県産業技術センター"]
KYUSHU_GOVERNMENTS = names("福岡県 熊本県 大分県 佐賀県 福岡市 北九州市")
KYUSHU_FINANCE = names("福岡銀行 西日本シティ銀行 肥後銀行 大分銀行 佐賀銀行 日本政策投資銀行")

SUPPORT = {
    "kanto-regional-revitalisation": ["社団法人首都圏産業活性化協会"],
    "kinki-bio": ["財団法人千里ライフサイエンス振興財団", "財団法人先端医療振興財団"],
    "hokkaido-super-cluster": ["財団法人北海道科学技術総合振興センター"],
    "tohoku-it-life-manufacturing": ["財団法人みやぎ産業振興機構"],
    "chubu-tokai-monozukuri": ["財団法人中部科学技術センター"],
    "kyushu-silicon-cluster": ["財団法人九州地域産業活性化センター"],
}

# project code → (firms at the end of FY2005, [(type, real names)], prefecture, firm words)
DEMO_MEMBERS = {
    "kanto-regional-revitalisation": (
        280,
        [
            (T.UNIVERSITY, KANTO_UNIVERSITIES),
            (T.GOVERNMENT, KANTO_GOVERNMENTS),
            (T.CHAMBER, KANTO_CHAMBERS),
            (T.FINANCE, KANTO_FINANCE),
        ],
        "東京都",
        names("多摩 武蔵 相模 青梅 高尾 浅川 玉川 秋川"),
    ),
    "kinki-bio": (
        230,
        [
            (T.UNIVERSITY, KINKI_UNIVERSITIES),
            (T.RESEARCH, KINKI_RESEARCH),
            (T.GOVERNMENT, KINKI_GOVERNMENTS),
            (T.FINANCE, KINKI_FINANCE),
        ],
        "大阪府",
        names("彩都 千里 浪速 淀川 難波 北摂 泉州 生駒"),
    ),
    "hokkaido-super-cluster": (
        360,
        [
            (T.UNIVERSITY, HOKKAIDO_UNIVERSITIES),
            (T.RESEARCH, HOKKAIDO_RESEARCH),
            (T.GOVERNMENT, HOKKAIDO_GOVERNMENTS),
            (T.FINANCE, HOKKAIDO_FINANCE),
        ],
        "北海道",
        names("札幌 石狩 十勝 大雪 道央 北斗 羊蹄 えぞ"),
    ),
    "tohoku-it-life-manufacturing": (
        150,
        [
            (T.UNIVERSITY, TOHOKU_UNIVERSITIES),
            (T.RESEARCH, TOHOKU_RESEARCH),
            (T.GOVERNMENT, TOHOKU_GOVERNMENTS),
            (T.FINANCE, TOHOKU_FINANCE),
        ],
        "宮城県",
        names("杜都 広瀬 青葉 奥羽 陸奥 蔵王"),
    ),
    "chubu-tokai-monozukuri": (
        250,
        [
            (T.UNIVERSITY, CHUBU_UNIVERSITIES),
            (T.RESEARCH, CHUBU_RESEARCH),
            (T.GOVERNMENT, CHUBU_GOVERNMENTS),
            (T.FINANCE, CHUBU_FINANCE),
        ],
        "愛知県",
        names("尾張 三河 東海 濃尾 知多 矢作"),
    ),
    "kyushu-silicon-cluster": (
        200,
        [
            (T.UNIVERSITY, KYUSHU_UNIVERSITIES),
            (T.RESEARCH, KYUSHU_RESEARCH),
            (T.GOVERNMENT, KYUSHU_GOVERNMENTS),
            (T.FINANCE, KYUSHU_FINANCE),
        ],
        "福岡県",
        names("筑紫 玄海 博多 遠賀 有明 阿蘇"),
    ),
}
FIRM_ENDINGS = names(
    "精機 電子 工業 製作所 技研 システムズ デバイス マテリアル バイオ 化成 光学 計測"
)
INDUSTRIES = ["E"] * 7 + ["G", "L", "I"]
PHASE_I_START = datetime.date(2001, 4, 1)
LIST_DAY = datetime.date(2006, 3, 31)  # the seed's counts are those of this day
SOURCE = "デモデータ（会員名簿・架空の企業を含む）"


def _day_between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def _firms(code: str, count: int, words: list[str], prefecture: str):
    """(organisation, joined, left) of a project's fictional firms: `count` members on
    31 March 2006, about 5 % more joining in each of FY2006–FY2008, a few leaving in FY2007."""
    rng = random.Random(f"members:{code}")
    total = count + round(count * 0.16)
    names = set()
    firms = []
    while len(firms) < total:
        name = f"株式会社{rng.choice(words)}{rng.choice(FIRM_ENDINGS)}{len(firms) + 1:03d}（架空）"
        if name in names:
            continue
        names.add(name)
        industry = rng.choice(INDUSTRIES)
        firms.append(
            Organisation(
                name=name,
                normalised_name=normalise_name(name),
                type=T.FIRM,
                prefecture=prefecture,
                capital_yen=rng.choice([10, 30, 50, 100, 300, 1000, 5000]) * 1_000_000,
                employees=rng.randint(5, 900),
                industry=industry,
                trade="wholesale" if industry == "I" else "",
                fictional=True,
            )
        )
    rows = []
    for index, firm in enumerate(firms):
        if index < count:
            joined = _day_between(rng, PHASE_I_START, LIST_DAY)
        else:
            year = 2006 + (index - count) % 3
            joined = _day_between(rng, datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31))
        left = None
        if index < count and index % 40 == 7:  # a few leave during FY2007
            left = _day_between(rng, datetime.date(2007, 4, 1), datetime.date(2008, 3, 30))
        rows.append((firm, joined, left))
    return rows


def load_demo_members(staff_by_bureau) -> int:
    """The six demo projects' member lists; a project that already has one is left alone.
    Returns the number of memberships created."""
    projects = {
        p.code: p for p in Project.objects.filter(code__in=DEMO_MEMBERS).select_related("bureau")
    }
    done = set(
        Membership.objects.filter(project__code__in=DEMO_MEMBERS).values_list(
            "project__code", flat=True
        )
    )
    wanted = [code for code in DEMO_MEMBERS if code in projects and code not in done]
    if not wanted:
        return 0
    real = _real_organisations(wanted)
    created = 0
    for code in wanted:
        project = projects[code]
        staff = staff_by_bureau[project.bureau.code]
        rng = random.Random(f"joined:{code}")
        count, groups, prefecture, words = DEMO_MEMBERS[code]
        firms = _firms(code, count, words, prefecture)
        bulk_create_with_history(
            [firm for firm, _j, _l in firms],
            Organisation,
            default_user=staff,
            default_change_reason="デモデータの生成",
        )
        rows = list(firms)
        for _type, names in [*groups, (T.SUPPORT, SUPPORT[code])]:
            for name in names:
                rows.append((real[name], _day_between(rng, PHASE_I_START, LIST_DAY), None))
        memberships = [
            Membership(
                organisation=organisation,
                project=project,
                joined=joined,
                left=left,
                role=Membership.Role.MEMBER,
                source=SOURCE,
            )
            for organisation, joined, left in rows
        ]
        bulk_create_with_history(
            memberships, Membership, default_user=staff, default_change_reason="デモデータの生成"
        )
        created += len(memberships)
    return created


def _real_organisations(codes: list[str]) -> dict[str, Organisation]:
    """The real organisations the lists name, found by name or created once (shared between
    projects)."""
    wanted = {}
    for code in codes:
        _count, groups, _prefecture, _words = DEMO_MEMBERS[code]
        for kind, names in [*groups, (T.SUPPORT, SUPPORT[code])]:
            for name in names:
                wanted.setdefault(name, kind)
    found = {o.name: o for o in Organisation.objects.filter(name__in=wanted, fictional=False)}
    missing = [
        Organisation(name=name, normalised_name=normalise_name(name), type=kind)
        for name, kind in wanted.items()
        if name not in found
    ]
    bulk_create_with_history(missing, Organisation, default_change_reason="デモデータの生成")
    return found | {o.name: o for o in missing}
