"""Labelled Chinese and English B2B sales leads with realistic noise, for the matching evaluation.

Every record is `{"cluster": <true entity id>, "kind": ..., "noise": [...], "lead": {...}}`:
`lead` uses the contract's Lead fields, `cluster` names the real person or company behind it,
`kind` is person, account or junk, and `noise` lists what was done to this copy of the entity
(for error analysis). Base entities are people at companies (Chinese and English), the
companies themselves as CRM accounts, and junk test entries. Duplicates are the same entity
written again with randomly chosen noise; hard negatives come from the way the world is built:
colleagues share their company's switchboard, website and mail domain; common names recur at
other companies; branches (…上海分公司) are accounts of their own.

All randomness comes from one `random.Random(seed)`: the same arguments give the same records.

    python -m app.evaluation.generate --entities 2000 --seed 7 --out leads.jsonl
"""

from __future__ import annotations

import argparse
import json
import string
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any, TypeVar

from pypinyin import lazy_pinyin

Record = dict[str, Any]
T = TypeVar("T")

# --- reference data -------------------------------------------------------------------------


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
    """A word list written compactly: whitespace-separated, or `sep`-separated."""
    return tuple(word.strip() for word in text.split(sep) if word.strip())


def _pairs(text: str) -> dict[str, str]:
    """A character map written as two-character words: "讯訊 东東" → {"讯": "訊", "东": "東"}."""
    return {word[0]: word[1] for word in _words(text)}


@dataclass(frozen=True, slots=True)
class CnCity:
    name: str
    area: str  # long-distance code without the trunk 0
    postcode: str  # first three digits
    districts: tuple[tuple[str, str], ...]  # (GB/T 2260 code, district name)


def _cn_city(name: str, area: str, postcode: str, districts: str) -> CnCity:
    """`districts` as "110101东城区 110105朝阳区"."""
    return CnCity(name, area, postcode, tuple((d[:6], d[6:]) for d in _words(districts)))


CN_CITIES = (
    _cn_city("北京", "10", "100", "110101东城区 110105朝阳区 110108海淀区"),
    _cn_city("上海", "21", "200", "310115浦东新区 310104徐汇区 310106静安区"),
    _cn_city("广州", "20", "510", "440106天河区 440104越秀区 440105海珠区"),
    _cn_city("深圳", "755", "518", "440305南山区 440304福田区 440306宝安区"),
    _cn_city("杭州", "571", "310", "330106西湖区 330108滨江区 330110余杭区"),
    _cn_city("南京", "25", "210", "320105建邺区 320106鼓楼区 320115江宁区"),
    _cn_city("苏州", "512", "215", "320505虎丘区 320508姑苏区 320506吴中区"),
    _cn_city("成都", "28", "610", "510107武侯区 510104锦江区 510116双流区"),
    _cn_city("武汉", "27", "430", "420106武昌区 420111洪山区 420103江汉区"),
    _cn_city("西安", "29", "710", "610113雁塔区 610104莲湖区"),
    _cn_city("天津", "22", "300", "120116滨海新区 120104南开区"),
    _cn_city("重庆", "23", "400", "500105江北区 500103渝中区"),
)
CN_CITY_WEIGHTS = (18, 16, 10, 12, 8, 6, 5, 6, 5, 4, 4, 4)
CN_ROADS = _words(
    """知春路 中关村大街 建国路 人民路 中山路 解放路 科技园路 世纪大道 南京西路
    淮海中路 深南大道 科苑路 天府大道 文一西路 长江路 珠江路 高新路 学院路"""
)
CN_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖"
    "田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付"
    "方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
)
CN_SURNAME_PINYIN = {"曾": "zeng", "覃": "qin", "单": "shan", "解": "xie", "仇": "qiu"}
CN_GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚华玉萍红建文辉力鹏飞斌宇"
    "浩凯婷雪琳晨欣佳俊博峰亮海波宁颖倩思雨子梓涵一诺欢旭东志国鑫晓春兰新"
    "永成龙云"
)
CN_COMMON_NAMES = _words("王伟 李娜 张伟 王芳 李伟 刘伟 张敏 王静 李静 张丽 刘洋")
CN_TRADE_CHARS = (
    "华信达通创新盛鼎恒远腾飞博联智云海天金宏嘉瑞祥安泰康源丰隆兴旺明光星"
    "辰宇航聚诚德佳汇众优卓越锐驰中东国长广科讯网电业贸发"
)
# industry term, and the English such companies put on their cards
CN_INDUSTRIES = tuple(
    (zh, en)
    for zh, en in (
        line.split("=")
        for line in _words(
            """科技=Technology|信息技术=Information Technology|网络科技=Network Technology|
            贸易=Trading|电子=Electronics|软件=Software|医疗器械=Medical Devices|
            生物科技=Biotechnology|新材料=New Materials|机械设备=Machinery|物流=Logistics|
            咨询=Consulting|文化传媒=Media|电子商务=E-commerce|
            环保科技=Environmental Technology|供应链管理=Supply Chain Management|
            智能科技=Intelligent Technology|数据科技=Data Technology""",
            "|",
        )
    )
)
CN_LEGAL = _words("有限公司 有限公司 有限公司 有限公司 股份有限公司 有限责任公司")
CN_LEGAL_VARIANTS = _words("有限公司 股份有限公司 有限责任公司 公司")
CN_TITLES = _words(
    """销售经理 采购经理 采购总监 技术总监 总经理 副总经理 市场部经理 运营主管
    IT经理 财务总监 项目经理 行政主管 董事长 产品经理 CEO 研发工程师"""
)
# One-character slips a person makes typing Chinese by pinyin: a homophone of the right one.
CN_HOMOPHONES = _pairs(
    """伟玮 芳方 娜那 英莹 敏民 静婧 丽莉 磊雷 军君 洋阳 勇永 艳燕 杰洁 涛滔
    明铭 超潮 霞夏 平萍 刚钢 华桦 玉钰 萍平 红虹 建健 文雯 辉晖 力立 鹏朋
    飞菲 斌彬 宇雨 浩皓 凯恺 婷亭 琳林 晨辰 欣新 佳嘉 俊峻 峰锋 波博 宁凝
    颖莹 倩茜 思斯 雨宇 子紫 涵寒 旭煦 东冬 志智 鑫新 晓小 春纯 兰岚 新欣
    永勇 成诚 龙隆 云芸 信新 达大 通同 盛胜 鼎顶 恒横 远源 腾滕 博搏 联连
    智志 天添 金今 宏洪 嘉佳 瑞锐 祥翔 泰太 源元 丰峰 兴星 光广 星兴 航杭
    聚巨 诚成 德得 汇会 优友 越悦 锐瑞 驰池 中忠 国果 长常 广光 科可 讯迅
    网往 电店 业叶 贸茂 发法 众重 卓桌"""
)
# Simplified → traditional for the characters these records use (a person in Hong Kong or
# Taiwan, or an old system, writes the same company this way).
TRADITIONAL = _pairs(
    """讯訊 东東 华華 国國 电電 网網 发發 业業 广廣 门門 长長 贸貿 达達 云雲
    联聯 兴興 龙龍 飞飛 伟偉 刘劉 陈陳 杨楊 黄黃 赵趙 吴吳 郑鄭 谢謝 许許
    韩韓 冯馮 邓鄧 叶葉 苏蘇 卢盧 钟鍾 陆陸 顾顧 龚龔 钱錢 严嚴 贺賀 丽麗
    军軍 红紅 辉輝 鹏鵬 涛濤 宁寧 颖穎 欢歡 晓曉 兰蘭 汉漢 庆慶 术術 务務
    设設 备備 药藥 医醫 车車 软軟 开開 创創 宝寶 银銀 恒恆 实實 际際 进進
    产產 经經 营營 询詢 咨諮 环環 农農 纺紡 织織 机機 压壓 构構 视視 数數
    据據 动動 络絡 维維 锐銳 驰馳 远遠 腾騰 阳陽 区區 团團 码碼 号號 岛島
    齐齊 时時 万萬 亚亞 汇匯 众眾 优優 乐樂 杰傑 总總 销銷 购購 监監 财財
    项項 运運 凯凱 宾賓 厦廈 层層 楼樓 诚誠 凤鳳 艳艷 锋鋒 岚嵐 晖暉 钰鈺
    莹瑩 铭銘 刚剛 强強 乔喬 邮郵"""
)
FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in string.digits + "+-()"}


@dataclass(frozen=True, slots=True)
class EnCity:
    name: str
    region: str
    country: str
    areas: tuple[str, ...]
    postcode: Callable[[Random], str]


def _us_zip(prefix: str) -> Callable[[Random], str]:
    return lambda rng: f"{prefix}{rng.randint(1, 99):02d}"


def _uk_postcode(outward: Sequence[str]) -> Callable[[Random], str]:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return lambda rng: (
        f"{rng.choice(outward)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    )


EN_CITIES = (
    EnCity("San Francisco", "CA", "US", ("415",), _us_zip("941")),
    EnCity("New York", "NY", "US", ("212", "646"), _us_zip("100")),
    EnCity("Chicago", "IL", "US", ("312",), _us_zip("606")),
    EnCity("Boston", "MA", "US", ("617",), _us_zip("021")),
    EnCity("Seattle", "WA", "US", ("206",), _us_zip("981")),
    EnCity("Austin", "TX", "US", ("512",), _us_zip("787")),
    EnCity("Denver", "CO", "US", ("303",), _us_zip("802")),
    EnCity("London", "", "GB", ("20",), _uk_postcode(_words("EC1A EC2M WC1N W1D SE1 N1"))),
    EnCity("Manchester", "", "GB", ("161",), _uk_postcode(_words("M1 M2 M3 M4"))),
    EnCity("Birmingham", "", "GB", ("121",), _uk_postcode(_words("B1 B2 B3"))),
    EnCity("Leeds", "", "GB", ("113",), _uk_postcode(_words("LS1 LS2"))),
)
EN_STREETS = _words(
    """Market Street|Main Street|Mission Street|Broadway|King Street|High Street|Park Avenue|
    Oak Street|Elm Street|Church Road|Station Road|Victoria Street""",
    "|",
)
EN_FIRST = _words(
    """Robert William Elizabeth James Michael Richard Thomas Christopher Jennifer Katherine
    Margaret Joseph Daniel Matthew Anthony Steven Andrew Jonathan Patricia Susan Deborah
    Nicholas Edward Benjamin Samuel Alexander Charles David Rebecca Timothy Gregory Kenneth
    Emily Sarah Laura Brian Kevin Jason Mark Paul Emma Olivia Rachel Hannah Megan Ryan Eric
    Mary John Linda Karen Nancy"""
)
EN_NICKNAMES = {
    name: _words(nicks, ",")
    for name, nicks in (
        line.split(":")
        for line in _words(
            """Robert: Bob, Rob, Bobby | William: Bill, Will, Billy | Elizabeth: Liz, Beth, Betty |
            James: Jim, Jimmy | Michael: Mike | Richard: Rick, Rich, Dick | Thomas: Tom, Tommy |
            Christopher: Chris | Jennifer: Jen, Jenny | Katherine: Kate, Kathy, Katie |
            Margaret: Maggie, Peggy, Meg | Joseph: Joe | Daniel: Dan, Danny | Matthew: Matt |
            Anthony: Tony | Steven: Steve | Andrew: Andy, Drew | Jonathan: Jon |
            Patricia: Pat, Patty, Trish | Susan: Sue, Susie | Deborah: Deb, Debbie |
            Nicholas: Nick | Edward: Ed, Ted, Eddie | Benjamin: Ben | Samuel: Sam |
            Alexander: Alex | Charles: Charlie, Chuck | David: Dave | Rebecca: Becky |
            Timothy: Tim | Gregory: Greg | Kenneth: Ken""",
            "|",
        )
    )
}
EN_LAST = _words(
    """Smith Johnson Williams Brown Jones Miller Davis Garcia Wilson Anderson Taylor Thomas
    Moore Martin Jackson Thompson White Harris Clark Lewis Walker Hall Young Allen King Wright
    Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner
    Parker Collins Edwards Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson Reed Bailey
    Kelly Howard Ward Richardson Watson Brooks Bennett Gray Hughes Price Patel O'Brien McDonald
    Fischer Nguyen Kowalski"""
)
EN_COMMON_NAMES = tuple(
    (first, last)
    for first, last in (
        name.split()
        for name in _words(
            "John Smith|Michael Johnson|David Brown|James Williams|Mary Smith|Robert Jones", "|"
        )
    )
)
EN_TRADE = _words(
    """Blue Harbor|Northwind|Summit|Pinecrest|Redwood|Ironclad|Brightline|Silver Oak|Keystone|
    Evergreen|Granite|Lighthouse|Meridian|Pioneer|Riverside|Cobalt|Falcon|Horizon|Bluestone|
    Crescent|Atlas|Beacon|Cedar|Harbor|Maple|Orion|Quantum|Sterling|Vertex|Willow|Apex|Copper|
    Delta|Everest|Fulton|Hudson|Juniper|Lakeside|Monarch|Nimbus""",
    "|",
)
EN_INDUSTRIES = (
    *_words(
        """Software Logistics Systems Consulting Supply Analytics Solutions Manufacturing
        Networks Labs Media Health Energy Partners"""
    ),
    "",
)
# legal form as first written, and the other ways the same form gets written
EN_LEGAL = {
    "Inc.": ("Inc", "Incorporated", ", Inc."),
    "LLC": ("L.L.C.", "llc", ", LLC"),
    "Ltd": ("Ltd.", "Limited", "LTD"),
    "Corp.": ("Corp", "Corporation", "Co."),
    "PLC": ("plc", "P.L.C.", "Public Limited Company"),
}
EN_LEGAL_BY_COUNTRY = {"US": ("Inc.", "Inc.", "LLC", "Corp."), "GB": ("Ltd", "Ltd", "Ltd", "PLC")}
EN_TITLES = _words(
    """Sales Manager|VP of Sales|Head of Procurement|Purchasing Manager|CTO|IT Director|
    Operations Manager|Marketing Director|CEO|Founder|Account Executive|Project Manager|
    Office Manager|CFO|Software Engineer""",
    "|",
)
CN_FREE_MAIL = _words("qq.com 163.com 126.com sina.com foxmail.com gmail.com")
EN_FREE_MAIL = _words("gmail.com yahoo.com outlook.com hotmail.com icloud.com")
CN_MOBILE_PREFIXES = _words(
    """130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 176 177
    178 180 181 182 183 184 185 186 187 188 189 191 198 199"""
)
SOURCES = _words("web_form trade_show import referral hotline wechat linkedin email")
JUNK_NAMES = _words("测试|test|Test User|asdf|测试1|aaa|xxx|测试测试|qwerty", "|")
JUNK_PHONES = _words("13800138000 12345678901 11111111111 13912345678 000 123456")
JUNK_EMAILS = _words("test@test.com a@a.com test@example.com 123@123.com asdf@asdf.com")
JUNK_COMPANIES = _words("测试公司 test 无 xxx有限公司 N/A asdf")

# --- identifiers ----------------------------------------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_character(first17: str) -> str:
    """GB 32100-2015: the 18th character, from weights 3^i mod 31 over the first 17."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_check_character(first8: str) -> str:
    """GB 11714: the check character of the 9-character organization code inside a USCC."""
    remainder = 11 - sum(int(ch, 36) * w for ch, w in zip(first8, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def make_uscc(rng: Random, region_code: str) -> str:
    """A well-formed enterprise code (91…) registered in `region_code`."""
    if rng.random() < 0.6:  # issued since 2015: MA + six characters
        body = "MA" + "".join(rng.choice(USCC_ALPHABET) for _ in range(6))
    else:  # carried over from an old all-digit organization code
        body = "".join(rng.choice(string.digits) for _ in range(8))
    first17 = "91" + region_code + body + org_check_character(body)
    return first17 + uscc_check_character(first17)


# --- the world ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Phone:
    country: str  # calling code: 86, 1, 44
    area: str  # area code without trunk prefix; "" for Chinese mobiles
    number: str  # subscriber number
    mobile: bool


@dataclass(slots=True)
class Company:
    cluster: str
    lang: str  # zh or en
    prefix: str  # the city in a Chinese name; "" for English
    trade: str  # 字号, or the English core words
    industry: str
    legal: str
    city: CnCity | EnCity
    district: tuple[str, str]
    domain: str
    switchboard: Phone
    address: str
    postcode: str
    uscc: str | None = None
    branch: str = ""  # "上海分公司" for a branch; the branch is an account of its own
    staff: list[str] = field(default_factory=list)  # names taken, so colleagues differ


@dataclass(frozen=True, slots=True)
class Person:
    cluster: str
    lang: str
    surname: str  # zh: 张; en: last name
    given: str  # zh: 伟; en: first name
    company: Company
    mobile: Phone
    extension: str | None
    email_local: str
    personal_email: str | None
    title: str


@dataclass(frozen=True, slots=True)
class Junk:
    cluster: str


Entity = Person | Company | Junk


def _weighted(rng: Random, items: Sequence[T], weights: Sequence[float]) -> T:
    return rng.choices(items, weights=weights, k=1)[0]


def _pinyin(text: str) -> list[str]:
    return [str(s) for s in lazy_pinyin(text)]


def _surname_pinyin(surname: str) -> str:
    return CN_SURNAME_PINYIN.get(surname) or "".join(_pinyin(surname))


class World:
    """Builds companies, people and junk entries; every choice comes from `rng`."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng
        self.used_trades: set[str] = set()
        self.used_domains: set[str] = set()
        self.used_emails: set[str] = set()
        self.used_numbers: set[str] = set()
        self.used_usccs: set[str] = set()
        self.next_id = 0

    def cluster(self, prefix: str) -> str:
        self.next_id += 1
        return f"{prefix}-{self.next_id:06d}"

    # phones

    def _fresh(self, make: Callable[[], Phone]) -> Phone:
        while True:
            phone = make()
            key = phone.country + phone.area + phone.number
            digits = phone.number[-7:]
            if key not in self.used_numbers and len(set(digits)) > 2:
                self.used_numbers.add(key)
                return phone

    def cn_mobile(self) -> Phone:
        rng = self.rng
        return self._fresh(
            lambda: Phone(
                "86", "", rng.choice(CN_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}", True
            )
        )

    def cn_landline(self, city: CnCity) -> Phone:
        rng = self.rng
        return self._fresh(
            lambda: Phone("86", city.area, f"{rng.randint(5, 8)}{rng.randrange(10**7):07d}", False)
        )

    def en_phone(self, city: EnCity, *, mobile: bool) -> Phone:
        rng = self.rng
        if city.country == "US":

            def us() -> Phone:
                exchange = f"{rng.randint(2, 9)}{rng.randint(0, 9)}{rng.randint(0, 9)}"
                if exchange == "555" or exchange[1:] == "11":
                    exchange = "420"
                return Phone(
                    "1", rng.choice(city.areas), exchange + f"{rng.randrange(10**4):04d}", mobile
                )

            return self._fresh(us)
        if mobile:
            return self._fresh(
                lambda: Phone(
                    "44", "", "7" + rng.choice("45789") + f"{rng.randrange(10**8):08d}", True
                )
            )
        area = rng.choice(city.areas)

        def uk() -> Phone:
            # Ofcom keeps 020 7946 0xxx and 0161 496 0xxx (and the like) for drama: not these.
            if area == "20":
                number = rng.choice("378") + f"{rng.randrange(10**7):07d}"
                number = "3" + number[1:] if number.startswith("79460") else number
            else:
                number = str(rng.randint(2, 8)) + f"{rng.randrange(10**6):06d}"
                number = "5" + number[1:] if number.startswith("496") else number
            return Phone("44", area, number, False)

        return self._fresh(uk)

    # companies

    def _trade_zh(self) -> str:
        rng = self.rng
        while True:
            size = 3 if rng.random() < 0.15 else 2
            trade = "".join(rng.sample(CN_TRADE_CHARS, size))
            if trade not in self.used_trades:
                self.used_trades.add(trade)
                return trade

    def _domain(self, stem: str, tlds: Sequence[str], extras: Sequence[str]) -> str:
        rng = self.rng
        for attempt in range(50):
            extra = rng.choice(extras) if attempt else ""
            domain = f"{stem}{extra}{rng.choice(tlds)}"
            if attempt > 10:
                domain = f"{stem}{rng.randint(2, 99)}{rng.choice(tlds)}"
            if domain not in self.used_domains:
                self.used_domains.add(domain)
                return domain
        raise RuntimeError("no free domain")  # pragma: no cover

    def company(self, lang: str) -> Company:
        rng = self.rng
        if lang == "zh":
            city = _weighted(rng, CN_CITIES, CN_CITY_WEIGHTS)
            trade = self._trade_zh()
            industry, industry_en = rng.choice(CN_INDUSTRIES)
            district = rng.choice(city.districts)
            stem = "".join(_pinyin(trade))
            short = "".join(s[0] for s in _pinyin(trade + CN_INDUSTRIES[0][0]))
            domain = self._domain(
                stem,
                (".com", ".com", ".cn", ".com.cn", ".net"),
                ("tech", "-tech", "group", "keji", "china", "-" + industry_en.split()[0].lower()),
            )
            if rng.random() < 0.1:
                domain = self._domain(short, (".com", ".cn"), ("", "group", "china"))
            road, number = rng.choice(CN_ROADS), rng.randint(1, 300)
            building = f"{rng.choice('ABCD')}座{rng.randint(2, 25)}{rng.randint(1, 20):02d}室"
            address = f"{city.name}市{district[1]}{road}{number}号{building}"
            company = Company(
                cluster=self.cluster("c"),
                lang="zh",
                prefix=city.name,
                trade=trade,
                industry=industry,
                legal=rng.choice(CN_LEGAL),
                city=city,
                district=district,
                domain=domain,
                switchboard=self.cn_landline(city),
                address=address,
                postcode=f"{city.postcode}{rng.randrange(1000):03d}",
            )
            company.uscc = self._uscc(district[0])
            return company
        en_city = rng.choice(EN_CITIES)
        while True:
            trade = rng.choice(EN_TRADE)
            industry = rng.choice(EN_INDUSTRIES)
            if f"{trade}|{industry}" not in self.used_trades:
                break
        self.used_trades.add(f"{trade}|{industry}")
        stem = (trade + industry).lower().replace(" ", "")
        tlds = (".com", ".com", ".io", ".co") if en_city.country == "US" else (".co.uk", ".com")
        domain = self._domain(stem, tlds, ("hq", "group", "-inc", "global"))
        address = f"{rng.randint(1, 2500)} {rng.choice(EN_STREETS)}"
        if rng.random() < 0.4:
            address += f", Suite {rng.randint(1, 30)}00"
        return Company(
            cluster=self.cluster("c"),
            lang="en",
            prefix="",
            trade=trade,
            industry=industry,
            legal=rng.choice(EN_LEGAL_BY_COUNTRY[en_city.country]),
            city=en_city,
            district=("", ""),
            domain=domain,
            switchboard=self.en_phone(en_city, mobile=False),
            address=address,
            postcode=en_city.postcode(rng),
        )

    def _uscc(self, region_code: str) -> str:
        while True:
            code = make_uscc(self.rng, region_code)
            if code not in self.used_usccs:
                self.used_usccs.add(code)
                return code

    def branch(self, parent: Company) -> Company:
        """A branch of a Chinese company in another city: same name and website, its own
        credit code, address and switchboard; a different account."""
        rng = self.rng
        assert isinstance(parent.city, CnCity)
        others = [c for c in CN_CITIES if c.name != parent.prefix]
        city = rng.choice(others)
        district = rng.choice(city.districts)
        address = f"{city.name}市{district[1]}{rng.choice(CN_ROADS)}{rng.randint(1, 300)}号"
        return Company(
            cluster=self.cluster("c"),
            lang="zh",
            prefix=parent.prefix,
            trade=parent.trade,
            industry=parent.industry,
            legal=parent.legal,
            city=city,
            district=district,
            domain=parent.domain,
            switchboard=self.cn_landline(city),
            address=address,
            postcode=f"{city.postcode}{rng.randrange(1000):03d}",
            uscc=self._uscc(district[0]),
            branch=f"{city.name}分公司",
        )

    # people

    def person(self, company: Company, *, namesake: bool) -> Person:
        rng = self.rng
        for _ in range(100):
            if company.lang == "zh":
                if namesake:
                    full = rng.choice(CN_COMMON_NAMES)
                    surname, given = full[0], full[1:]
                else:
                    surname = rng.choice(CN_SURNAMES)
                    size = 2 if rng.random() < 0.6 else 1
                    given = "".join(rng.choice(CN_GIVEN) for _ in range(size))
            elif namesake:
                given, surname = rng.choice(EN_COMMON_NAMES)
            else:
                given, surname = rng.choice(EN_FIRST), rng.choice(EN_LAST)
            if surname + given not in company.staff:
                break
        company.staff.append(surname + given)
        local = self._email_local(company, surname, given)
        if company.lang == "zh":
            mobile = self.cn_mobile()
            title = rng.choice(CN_TITLES)
        else:
            assert isinstance(company.city, EnCity)
            mobile = self.en_phone(company.city, mobile=True)
            title = rng.choice(EN_TITLES)
        return Person(
            cluster=self.cluster("p"),
            lang=company.lang,
            surname=surname,
            given=given,
            company=company,
            mobile=mobile,
            extension=str(rng.randint(100, 899)) if rng.random() < 0.5 else None,
            email_local=local,
            personal_email=self._personal_email(company.lang, surname, given),
            title=title,
        )

    def _email_local(self, company: Company, surname: str, given: str) -> str:
        rng = self.rng
        if company.lang == "zh":
            last, first = _surname_pinyin(surname), "".join(_pinyin(given))
        else:
            last = surname.lower().replace("'", "")
            first = given.lower()
        forms = (
            f"{first}.{last}",
            f"{last}{first}",
            f"{last}.{first}",
            f"{first[0]}{last}",
            f"{last}{first[0]}",
            f"{first}",
        )
        local = rng.choice(forms)
        while f"{local}@{company.domain}" in self.used_emails:
            local = f"{local.rstrip(string.digits)}{rng.randint(2, 99)}"
        self.used_emails.add(f"{local}@{company.domain}")
        return local

    def _personal_email(self, lang: str, surname: str, given: str) -> str | None:
        rng = self.rng
        if rng.random() < 0.5:
            return None
        while True:
            if lang == "zh":
                domain = rng.choice(CN_FREE_MAIL)
                if domain == "qq.com" and rng.random() < 0.7:
                    base = str(rng.randint(10**5, 10**10))
                else:
                    base = _surname_pinyin(surname) + "".join(_pinyin(given))
            else:
                domain = rng.choice(EN_FREE_MAIL)
                first, last = given.lower(), surname.lower().replace("'", "")
                base = rng.choice((f"{first}.{last}", f"{first}{last}", f"{first[0]}{last}"))
            if not base.isdigit() and rng.random() < 0.6:
                base += str(rng.randint(1, 99))
            # One mailbox, one person: namesakes never share a free-mail address (dots aside).
            key = f"{base.replace('.', '')}@{domain}"
            if key not in self.used_emails:
                self.used_emails.add(key)
                return f"{base}@{domain}"


# --- rendering a record, with noise ---------------------------------------------------------


class Renderer:
    """Writes one entity as one CRM record; `noisy=False` for the first, tidy copy."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    # phones

    def phone(self, phone: Phone, notes: list[str], *, noisy: bool, intl_only: bool) -> str:
        rng = self.rng
        if phone.country == "86":
            text = self._cn_mobile(phone.number) if phone.mobile else self._cn_landline(phone)
        elif phone.country == "1":
            text = self._us(phone, intl_only=intl_only)
        else:
            text = self._uk(phone, intl_only=intl_only)
        if not noisy:
            text = self._plain(phone, intl_only=intl_only)
        else:
            notes.append("phone_format")
            if self.chance(0.08):
                text = text.translate(FULL_WIDTH)
                notes.append("phone_fullwidth")
            elif rng.random() < 0.05:
                text = f"{rng.choice(('手机', 'Tel', '电话', 'Mobile'))}: {text}"
                notes.append("phone_label")
        return text

    def _plain(self, phone: Phone, *, intl_only: bool) -> str:
        if phone.country == "86":
            if phone.mobile:
                return phone.number
            return f"0{phone.area}-{phone.number}"
        if intl_only:
            return f"+{phone.country} {phone.area} {phone.number}".replace("  ", " ")
        if phone.country == "1":
            return f"({phone.area}) {phone.number[:3]}-{phone.number[3:]}"
        return f"0{phone.area}{phone.number}" if phone.area else f"0{phone.number}"

    def _cn_mobile(self, n: str) -> str:
        a, b, c = n[:3], n[3:7], n[7:]
        return self.rng.choice(
            (
                n,
                f"{a} {b} {c}",
                f"{a}-{b}-{c}",
                f"+86 {n}",
                f"+86 {a}-{b}-{c}",
                f"+86 {a} {b} {c}",
                f"0086{n}",
                f"0086 {a} {b} {c}",
                f"86-{n}",
                f"(+86){n}",
                f"+86-{a}-{b}-{c}",
                f"{a}{b} {c}",
            )
        )

    def _cn_landline(self, phone: Phone) -> str:
        a, s = phone.area, phone.number
        return self.rng.choice(
            (
                f"0{a}-{s}",
                f"0{a} {s[:4]} {s[4:]}",
                f"(0{a}) {s[:4]}-{s[4:]}",
                f"（0{a}）{s}",
                f"+86 {a} {s}",
                f"+86-{a}-{s[:4]}-{s[4:]}",
                f"0086-{a}-{s}",
                f"0{a}{s}",
                f"0{a}-{s[:4]}-{s[4:]}",
                f"+86 (0){a} {s}",
            )
        )

    def _us(self, phone: Phone, *, intl_only: bool) -> str:
        a, n = phone.area, phone.number
        x, y = n[:3], n[3:]
        intl = [f"+1 {a}-{x}-{y}", f"+1 ({a}) {x}-{y}", f"+1{a}{n}", f"+1.{a}.{x}.{y}"]
        national = [f"({a}) {x}-{y}", f"{a}-{x}-{y}", f"{a}.{x}.{y}", f"1-{a}-{x}-{y}", f"{a}{n}"]
        return self.rng.choice(intl if intl_only else intl + national)

    def _uk(self, phone: Phone, *, intl_only: bool) -> str:
        n = phone.area + phone.number
        if phone.mobile:
            intl = [f"+44 {n[:4]} {n[4:]}", f"+44 (0){n[:4]} {n[4:]}", f"0044 {n}"]
            national = [f"0{n[:4]} {n[4:]}", f"0{n}"]
        else:
            a, s = phone.area, phone.number
            mid = len(s) // 2
            intl = [f"+44 {a} {s[:mid]} {s[mid:]}", f"+44 (0){a} {s}", f"+44{a}{s}"]
            national = [f"0{a} {s[:mid]} {s[mid:]}", f"(0{a}) {s}", f"0{a}{s}"]
        return self.rng.choice(intl if intl_only else intl + national)

    def extension(self, text: str, ext: str, lang: str) -> str:
        if lang == "zh":
            forms = [" 转", "转", "-", " ext.", "（分机"]
        else:
            forms = [" x", " ext. ", " ext ", " #"]
        form = self.rng.choice(forms)
        return f"{text}{form}{ext}" + ("）" if form == "（分机" else "")

    # Chinese text

    def traditional(self, text: str) -> str:
        return "".join(TRADITIONAL.get(ch, ch) for ch in text)

    def homophone(self, text: str, positions: Sequence[int]) -> str | None:
        """One character swapped for a homophone, at one of `positions`; None when none has one."""
        candidates = [i for i in positions if text[i] in CN_HOMOPHONES]
        if not candidates:
            return None
        i = self.rng.choice(candidates)
        return text[:i] + CN_HOMOPHONES[text[i]] + text[i + 1 :]

    def one_edit(self, word: str) -> str:
        """One typing slip in a Latin word: a letter dropped, doubled, swapped or mistyped."""
        rng = self.rng
        letters = [i for i, ch in enumerate(word) if ch.isalpha()]
        if len(letters) < 4:
            return word
        i = rng.choice(letters[1:-1])
        kind = rng.choice(("delete", "double", "swap", "replace"))
        if kind == "delete":
            return word[:i] + word[i + 1 :]
        if kind == "double":
            return word[:i] + word[i] + word[i:]
        if kind == "swap" and word[i + 1].isalpha():
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        replacement = rng.choice([c for c in "aeiourstnl" if c != word[i].lower()])
        return (
            word[:i] + (replacement.upper() if word[i].isupper() else replacement) + word[i + 1 :]
        )

    # companies

    def company_name(self, co: Company, notes: list[str], *, noisy: bool) -> str:
        if co.lang == "en":
            return self._company_en(co, notes, noisy=noisy)
        return self._company_zh(co, notes, noisy=noisy)

    def _company_zh(self, co: Company, notes: list[str], *, noisy: bool) -> str:
        rng = self.rng
        prefix, trade, legal, branch = co.prefix, co.trade, co.legal, co.branch
        bracket = False
        if noisy and self.chance(0.04):
            notes.append("company_english")
            industry_en = dict(CN_INDUSTRIES)[co.industry]
            city, core = "".join(_pinyin(prefix)).capitalize(), "".join(_pinyin(trade)).capitalize()
            name = f"{city} {core} {industry_en} Co., Ltd."
            if branch:
                name += f" {''.join(_pinyin(branch[:-3])).capitalize()} Branch"
            return name
        if noisy:
            prefix, bracket = self._zh_city_prefix(co, notes)
            legal = self._zh_legal(co, notes)
            if self.chance(0.08):
                typo = self.homophone(trade, range(len(trade)))
                if typo is not None:
                    trade = typo
                    notes.append("company_typo")
        if bracket:
            name = f"{trade}{co.industry}（{co.prefix}）{legal}"
        else:
            name = f"{prefix}{trade}{co.industry}{legal}{branch}"
        if noisy and branch and self.chance(0.3):
            name = name[: -len(branch)] + rng.choice((f"（{branch}）", f"({branch})", f" {branch}"))
            notes.append("company_branch_written")
        if noisy and self.chance(0.04) and not bracket:
            name = " ".join(part for part in (prefix, trade + co.industry, legal, branch) if part)
            notes.append("company_spacing")
        if noisy and self.chance(0.08):
            name = self.traditional(name)
            notes.append("company_traditional")
        return name

    def _zh_city_prefix(self, co: Company, notes: list[str]) -> tuple[str, bool]:
        """The city before the name: dropped, written with 市, or moved into brackets."""
        roll = self.rng.random()
        if roll < 0.18:
            notes.append("company_city_removed")
            return "", False
        if roll < 0.24:
            notes.append("company_city_shi")
            return co.prefix + "市", False
        if roll < 0.30 and not co.branch:
            notes.append("company_city_bracket")
            return co.prefix, True
        return co.prefix, False

    def _zh_legal(self, co: Company, notes: list[str]) -> str:
        roll = self.rng.random()
        if roll < 0.18 and not co.branch:
            notes.append("company_legal_dropped")
            return ""
        if roll < 0.30:
            notes.append("company_legal_changed")
            return self.rng.choice([v for v in CN_LEGAL_VARIANTS if v != co.legal])
        return co.legal

    def _company_en(self, co: Company, notes: list[str], *, noisy: bool) -> str:
        rng = self.rng
        trade, legal = co.trade, co.legal
        if noisy:
            roll = rng.random()
            if roll < 0.2:
                legal = ""
                notes.append("company_legal_dropped")
            elif roll < 0.4:
                legal = rng.choice(EN_LEGAL[co.legal])
                notes.append("company_legal_changed")
            if self.chance(0.08):
                trade = " ".join(self.one_edit(w) if len(w) >= 5 else w for w in trade.split())
                if trade != co.trade:
                    notes.append("company_typo")
        core = f"{trade} {co.industry}".strip()
        name = f"{core}{legal}" if legal.startswith(",") else f"{core} {legal}".strip()
        if noisy and self.chance(0.08):
            name = rng.choice((name.upper(), name.lower()))
            notes.append("company_case")
        return name

    def website(self, domain: str, notes: list[str], *, noisy: bool) -> str:
        if not noisy:
            return f"https://www.{domain}"
        notes.append("website_format")
        return self.rng.choice(
            (
                f"https://www.{domain}",
                f"http://{domain}",
                f"www.{domain}",
                domain,
                f"https://www.{domain}/about",
                f"https://{domain}/contact-us",
                f"WWW.{domain.upper()}",
                f"http://www.{domain}/",
            )
        )

    def uscc(self, code: str, notes: list[str], *, noisy: bool) -> str:
        if not noisy or not self.chance(0.3):
            return code
        notes.append("uscc_format")
        return self.rng.choice(
            (
                code.lower(),
                f"{code[:2]} {code[2:8]} {code[8:17]} {code[17]}",
                f"统一社会信用代码：{code}",
                f" {code} ",
            )
        )

    # people

    def person_name(self, p: Person, lead: Record, notes: list[str], *, noisy: bool) -> None:
        if p.lang == "zh":
            self._name_zh(p, lead, notes, noisy=noisy)
        else:
            self._name_en(p, lead, notes, noisy=noisy)

    def _name_zh(self, p: Person, lead: Record, notes: list[str], *, noisy: bool) -> None:
        rng = self.rng
        surname, given = p.surname, p.given
        if not noisy:
            lead["name"] = surname + given
            return
        if self.chance(0.08):
            typo = self.homophone(given, range(len(given)))
            if typo is not None:
                given = typo
                notes.append("name_typo")
        if self.chance(0.15):
            notes.append("name_pinyin")
            last = _surname_pinyin(surname).capitalize()
            first = "".join(_pinyin(given)).capitalize()
            if self.chance(0.3):
                lead["first_name"], lead["last_name"] = first, last
                notes.append("name_split")
                return
            lead["name"] = rng.choice(
                (
                    f"{last} {first}",
                    f"{first} {last}",
                    f"{last.upper()} {first}",
                    f"{first} {last.upper()}",
                    f"{last.lower()} {first.lower()}",
                )
            )
            return
        if self.chance(0.1):
            lead["last_name"], lead["first_name"] = surname, given
            notes.append("name_split")
            return
        name = surname + given
        if self.chance(0.07):
            name = self.traditional(name)
            notes.append("name_traditional")
        if len(name) == 2 and self.chance(0.1):
            name = f"{name[0]} {name[1]}" if self.chance(0.5) else f"{name[0]}\u3000{name[1]}"
            notes.append("name_spacing")
        lead["name"] = name

    def _name_en(self, p: Person, lead: Record, notes: list[str], *, noisy: bool) -> None:
        rng = self.rng
        first, last = p.given, p.surname
        if not noisy:
            lead["name"] = f"{first} {last}"
            return
        if p.given in EN_NICKNAMES and self.chance(0.3):
            first = rng.choice(EN_NICKNAMES[p.given])
            notes.append("name_nickname")
        if self.chance(0.08):
            if self.chance(0.5):
                last = self.one_edit(last)
            else:
                first = self.one_edit(first)
            notes.append("name_typo")
        if self.chance(0.2):
            lead["first_name"], lead["last_name"] = first, last
            notes.append("name_split")
            return
        name = f"{first} {last}"
        roll = rng.random()
        if roll < 0.1:
            name = f"{last}, {first}"
            notes.append("name_order")
        elif roll < 0.18:
            name = rng.choice((name.upper(), name.lower()))
            notes.append("name_case")
        elif roll < 0.25:
            name = f"{first} {rng.choice(string.ascii_uppercase)}. {last}"
            notes.append("name_middle_initial")
        lead["name"] = name

    def email(self, address: str, notes: list[str], *, noisy: bool) -> str:
        rng = self.rng
        if not noisy:
            return address
        local, domain = address.split("@")
        if domain in ("gmail.com", "googlemail.com") and self.chance(0.5):
            bare = local.replace(".", "")
            if self.chance(0.5) and len(bare) > 3:
                i = rng.randint(1, len(bare) - 1)
                local = bare[:i] + "." + bare[i:]
                notes.append("email_gmail_dots")
            else:
                local = f"{local}+{rng.choice(('crm', 'work', 'leads', 'news', '2024'))}"
                notes.append("email_gmail_tag")
        if self.chance(0.2):
            local = rng.choice((local.capitalize(), local.upper(), local.title()))
            domain = rng.choice((domain, domain.upper(), domain.capitalize()))
            notes.append("email_case")
        if self.chance(0.05):
            notes.append("email_spaces")
            return f" {local}@{domain} "
        return f"{local}@{domain}"

    def title(self, title: str, lang: str, notes: list[str], *, noisy: bool) -> str:
        if noisy and self.chance(0.2):
            notes.append("title_changed")
            pool = CN_TITLES if lang == "zh" else EN_TITLES
            return self.rng.choice([t for t in pool if t != title])
        return title

    def city(self, co: Company, notes: list[str], *, noisy: bool) -> str:
        name = co.city.name
        if co.lang == "zh" and noisy:
            roll = self.rng.random()
            if roll < 0.3:
                notes.append("city_shi")
                return name + "市"
            if roll < 0.35:
                notes.append("city_traditional")
                return self.traditional(name)
        if co.lang == "en" and noisy and self.chance(0.1):
            notes.append("city_case")
            return name.upper()
        return name

    def address(self, co: Company, notes: list[str], *, noisy: bool) -> str:
        text = co.address
        if noisy and co.lang == "zh":
            roll = self.rng.random()
            if roll < 0.2:
                text = text.removeprefix(f"{co.city.name}市")
                notes.append("address_no_city")
            elif roll < 0.3:
                text = text.translate(FULL_WIDTH)
                notes.append("address_fullwidth")
            elif roll < 0.45 and "号" in text:
                text = text[: text.index("号") + 1]
                notes.append("address_short")
        elif noisy and self.chance(0.2):
            text = text.replace("Street", "St").replace("Avenue", "Ave").replace("Road", "Rd")
            text = text.replace(", Suite", " Ste")
            notes.append("address_abbrev")
        return text


def _country(lang: str, co: Company, rng: Random, *, noisy: bool) -> str | None:
    if lang == "zh":
        forms: tuple[str | None, ...] = ("CN", "CN", "中国", None) if noisy else ("CN", None)
        return rng.choice(forms)
    assert isinstance(co.city, EnCity)
    code = co.city.country
    if not noisy:
        return code
    names = {"US": ("US", "US", "USA", "United States", None), "GB": ("GB", "GB", "UK", None)}
    return rng.choice(names[code])


OPTIONAL = ("email", "phone", "company", "title", "city", "website", "address", "uscc")


def _drop_fields(lead: Record, notes: list[str], rng: Random, p: float) -> None:
    """Fields left empty, as real forms leave them; a record keeps something to match on."""
    for name in OPTIONAL:
        if name in lead and rng.random() < p:
            kept = {k for k in ("email", "phone", "company") if k in lead and k != name}
            if kept:
                del lead[name]
                notes.append(f"missing_{name}")


def render_person(p: Person, r: Renderer, *, noisy: bool) -> tuple[Record, list[str]]:
    rng = r.rng
    co = p.company
    notes: list[str] = []
    lead: Record = {"entity": rng.choice(("lead", "lead", "contact"))}
    r.person_name(p, lead, notes, noisy=noisy)
    lead["company"] = r.company_name(co, notes, noisy=noisy)
    country = _country(p.lang, co, rng, noisy=noisy)
    intl_only = country not in ("CN", "US", "GB")
    # Phones: usually the mobile; sometimes the switchboard (with the extension) too, or alone.
    mobile = r.phone(p.mobile, notes, noisy=noisy, intl_only=intl_only)
    office = r.phone(co.switchboard, [], noisy=noisy, intl_only=intl_only)
    if p.extension and rng.random() < 0.6:
        office = r.extension(office, p.extension, p.lang)
    roll = rng.random()
    if roll < 0.12:
        lead["phone"] = office
        notes.append("phone_switchboard_only")
    elif roll < 0.35:
        lead["phone"] = [mobile, office] if rng.random() < 0.7 else f"{mobile} / {office}"
        notes.append("phone_with_switchboard")
    else:
        lead["phone"] = mobile
    # Emails: the work address, sometimes the personal one instead or as well.
    work = f"{p.email_local}@{co.domain}"
    if p.personal_email and noisy and rng.random() < 0.25:
        lead["email"] = r.email(p.personal_email, notes, noisy=noisy)
        notes.append("email_personal")
    elif p.personal_email and rng.random() < 0.15:
        lead["email"] = [
            r.email(work, notes, noisy=noisy),
            r.email(p.personal_email, [], noisy=noisy),
        ]
    else:
        lead["email"] = r.email(work, notes, noisy=noisy)
    lead["title"] = r.title(p.title, p.lang, notes, noisy=noisy)
    lead["city"] = r.city(co, notes, noisy=noisy)
    if rng.random() < 0.3:
        lead["website"] = r.website(co.domain, notes, noisy=noisy)
    if rng.random() < 0.2:
        lead["address"] = r.address(co, notes, noisy=noisy)
    if co.uscc and rng.random() < 0.1:
        lead["uscc"] = r.uscc(co.uscc, notes, noisy=noisy)
    if isinstance(co.city, EnCity) and co.city.region and rng.random() < 0.6:
        lead["region"] = co.city.region
    if country:
        lead["country"] = country
    _drop_fields(lead, notes, rng, 0.15 if noisy else 0.03)
    return lead, notes


def render_account(co: Company, r: Renderer, *, noisy: bool) -> tuple[Record, list[str]]:
    rng = r.rng
    notes: list[str] = []
    lead: Record = {"entity": "account", "company": r.company_name(co, notes, noisy=noisy)}
    country = _country(co.lang, co, rng, noisy=noisy)
    lead["phone"] = r.phone(
        co.switchboard, notes, noisy=noisy, intl_only=country not in ("CN", "US", "GB")
    )
    if co.uscc and rng.random() < (0.5 if noisy else 0.8):
        lead["uscc"] = r.uscc(co.uscc, notes, noisy=noisy)
    lead["website"] = r.website(co.domain, notes, noisy=noisy)
    if rng.random() < 0.3:
        role = rng.choice(("info", "sales", "contact", "service", "hr"))
        lead["email"] = f"{role}@{co.domain}"
    lead["address"] = r.address(co, notes, noisy=noisy)
    lead["city"] = r.city(co, notes, noisy=noisy)
    if isinstance(co.city, EnCity) and co.city.region:
        lead["region"] = co.city.region
    if rng.random() < 0.7:
        lead["postcode"] = co.postcode
    if country:
        lead["country"] = country
    _drop_fields(lead, notes, rng, 0.15 if noisy else 0.03)
    return lead, notes


def render_junk(rng: Random) -> tuple[Record, list[str]]:
    lead: Record = {
        "entity": rng.choice(("lead", "lead", "contact")),
        "name": rng.choice(JUNK_NAMES),
    }
    if rng.random() < 0.8:
        lead["phone"] = rng.choice(JUNK_PHONES)
    if rng.random() < 0.6:
        lead["email"] = rng.choice(JUNK_EMAILS)
    if rng.random() < 0.5:
        lead["company"] = rng.choice(JUNK_COMPANIES)
    return lead, ["junk"]


# --- putting it together --------------------------------------------------------------------


def build_world(
    n_entities: int, rng: Random, *, english: float, junk_rate: float, namesake_rate: float
) -> list[Entity]:
    """People at companies, some of the companies as accounts, and a few junk entries."""
    world = World(rng)
    n_junk = round(n_entities * junk_rate)
    target = n_entities - n_junk
    entities: list[Entity] = []
    while len(entities) < target:
        lang = "en" if rng.random() < english else "zh"
        company = world.company(lang)
        offices = [company]
        if lang == "zh" and rng.random() < 0.12:
            offices += [world.branch(company) for _ in range(rng.choice((1, 1, 2)))]
        for office in offices:
            if rng.random() < 0.3 and len(entities) < target:
                entities.append(office)
            for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 4, 5))):
                if len(entities) >= target:
                    break
                entities.append(world.person(office, namesake=rng.random() < namesake_rate))
    entities += [Junk(world.cluster("j")) for _ in range(n_junk)]
    return entities


def generate(
    n_entities: int = 2000,
    dup_rate: float = 0.35,
    seed: int = 7,
    *,
    english: float = 0.3,
    junk_rate: float = 0.02,
    namesake_rate: float = 0.06,
    max_copies: int = 5,
) -> list[Record]:
    """Labelled leads: each of `n_entities` entities written once, and with probability
    `dup_rate` written again 1 to `max_copies - 1` more times with noise. Shuffled, with
    external ids in that order."""
    rng = Random(seed)
    entities = build_world(
        n_entities, rng, english=english, junk_rate=junk_rate, namesake_rate=namesake_rate
    )
    renderer = Renderer(rng)
    records: list[Record] = []
    for entity in entities:
        copies = 1
        if not isinstance(entity, Junk) and rng.random() < dup_rate:
            extra = 1
            while extra < max_copies - 1 and rng.random() < 0.4:
                extra += 1
            copies += extra
        for copy in range(copies):
            noisy = copy > 0 or rng.random() < 0.3
            if isinstance(entity, Person):
                lead, notes = render_person(entity, renderer, noisy=noisy)
                kind = "person"
            elif isinstance(entity, Company):
                lead, notes = render_account(entity, renderer, noisy=noisy)
                kind = "account"
            else:
                lead, notes = render_junk(rng)
                kind = "junk"
            lead["source"] = rng.choice(SOURCES)
            records.append({"cluster": entity.cluster, "kind": kind, "noise": notes, "lead": lead})
    rng.shuffle(records)
    for i, record in enumerate(records, 1):
        record["lead"] = {"external_id": f"crm-{i:06d}", **record["lead"]}
    return records


def write_jsonl(records: Sequence[Record], path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[Record]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.evaluation.generate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--entities", type=int, default=2000, help="real people and companies")
    parser.add_argument("--dup-rate", type=float, default=0.35, help="share written more than once")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--english", type=float, default=0.3, help="share of English companies")
    parser.add_argument("--out", type=Path, help="JSON lines file (default: standard output)")
    args = parser.parse_args(argv)
    records = generate(args.entities, args.dup_rate, args.seed, english=args.english)
    if args.out:
        write_jsonl(records, args.out)
        clusters = len({r["cluster"] for r in records})
        print(f"{len(records)} records of {clusters} entities -> {args.out}", file=sys.stderr)
    else:
        for record in records:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
