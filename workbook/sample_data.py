"""The built-in sample: a realistic county ledger (台账) as pure data, deterministic by seed.

The scale follows 进展情况2024 (about 140 人大代表建议 and 230 政协委员提案), the levels and roles
精河2025通知 (州 and 县 cases; 主办, 协办 and a few 参阅); both in docs/domain.md#sources. Progress is
spread as of `today`: done cases, due-soon and overdue ones, a couple of extensions, a returned case and earlier years' B
cases. About a dozen mistakes are planted, one per row, each listed in `SampleLedger.planted`
with the validator code that must fire; every other row is clean.

Everything is fictional: the county, the people, the phone numbers and the e-mail addresses.
No workbook library is imported here; the writer turns this into a workbook.
"""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from taizhang.core.columns import COLUMNS

COUNTY = "清河县"

SUGGESTION = "人大代表建议"
PROPOSAL = "政协委员提案"


@dataclass
class Planted:
    """A deliberate mistake."""

    number: str  # 编号 of the row; for duplicate-number the later of the two rows carrying it
    column: str  # canonical column of the offending cell ("" when the finding is row-level)
    code: str  # the validator code expected to fire
    note: str  # Chinese, what was planted


@dataclass
class SampleLedger:
    year: int
    title: str
    county: str
    units: list[dict[str, object]]
    rows: list[dict[str, object]]
    planted: list[Planted] = field(default_factory=list)


# --- units ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Unit:
    key: str
    name: str
    short: str | None
    aliases: tuple[str, ...]
    email: str
    prefix: str  # of its reply numbers: 清教体函〔2026〕12号
    section: bool = False


_UNITS: tuple[_Unit, ...] = (
    _Unit("fgw", "县发展和改革委员会", "县发改委", ("发改委", "县发展改革委"), "fgw", "清发改函"),
    _Unit("jt", "县教育和体育局", "县教体局", ("教体局", "县教育局"), "jtj", "清教体函"),
    _Unit("gaj", "县公安局", None, ("公安局",), "gaj", "清公函"),
    _Unit("mz", "县民政局", None, ("民政局",), "mzj", "清民函"),
    _Unit("cz", "县财政局", None, ("财政局",), "czj", "清财函"),
    _Unit("rs", "县人力资源和社会保障局", "县人社局", ("人社局",), "rsj", "清人社函"),
    _Unit("zr", "县自然资源局", None, ("自然资源局",), "zrzyj", "清自然资函"),
    _Unit("hb", "州生态环境局清河分局", "县生态环境局", ("生态环境分局", "县环保局"), "sthj", "清环函"),
    _Unit("zj", "县住房和城乡建设局", "县住建局", ("住建局",), "zjj", "清建函"),
    _Unit("jtys", "县交通运输局", "县交通局", ("交通运输局",), "jtysj", "清交函"),
    _Unit("sl", "县水利局", None, ("水利局",), "slj", "清水函"),
    _Unit("ny", "县农业农村局", None, ("农业农村局", "县农业局"), "nyncj", "清农函"),
    _Unit("sg", "县商务和工业信息化局", "县商工局", ("商工局", "县工信局"), "sgj", "清商工函"),
    _Unit("wl", "县文化体育广播电视和旅游局", "县文体广旅局", ("文体广旅局", "县文旅局"), "wtglj", "清文旅函"),
    _Unit("wj", "县卫生健康委员会", "县卫健委", ("卫健委",), "wjw", "清卫健函"),
    _Unit("yj", "县应急管理局", "县应急局", ("应急管理局",), "yjglj", "清应急函"),
    _Unit("sj", "县市场监督管理局", "县市场监管局", ("市场监管局",), "scjgj", "清市监函"),
    _Unit("lc", "县林业和草原局", "县林草局", ("林草局",), "lcj", "清林草函"),
    _Unit("yb", "县医疗保障局", "县医保局", ("医保局",), "ybj", "清医保函"),
    _Unit("cg", "县城市管理局", "县城管局", ("城管局",), "cgj", "清城管函"),
    _Unit("cgz", "城关镇人民政府", "城关镇", ("城关镇政府",), "cgzzf", "城政函"),
    _Unit("hxz", "河西镇人民政府", "河西镇", ("河西镇政府",), "hxzzf", "河政函"),
    _Unit("lqz", "柳泉镇人民政府", "柳泉镇", ("柳泉镇政府",), "lqzzf", "柳政函"),
    _Unit("dhx", "大河乡人民政府", "大河乡", ("大河乡政府",), "dhxzf", "大政函"),
    _Unit("smx", "石门乡人民政府", "石门乡", ("石门乡政府",), "smxzf", "石政函"),
    _Unit("jt_jc", "县教体局基础教育股", None, ("基础教育股",), "jtjjcjyg", "", section=True),
    _Unit("zj_cz", "县住建局村镇建设股", None, ("村镇建设股",), "zjjczjsg", "", section=True),
)
_UNIT = {u.key: u for u in _UNITS}
_TOWNS = ("cgz", "hxz", "lqz", "dhx", "smx")
_TYPO_OF_JT = "县教育体育局"  # not a spelling of any unit; closest is 县教育和体育局

# --- titles --------------------------------------------------------------------------------------
# host unit -> (topics, related units that co-handle). "{p}" takes a place, or nothing.
_TOPICS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "jt": (("改善{p}农村学校办学条件", "加强乡村教师队伍建设", "解决{p}学生上下学交通安全问题",
            "增加城区公办幼儿园学位", "推进县域义务教育优质均衡发展", "加强中小学生心理健康教育",
            "建设{p}学校塑胶运动场", "完善课后延时服务保障机制", "提升职业教育办学水平"),
           ("cz", "rs", "zj", "jtys", "gaj")),
    "zj": (("加快{p}老旧小区改造", "解决城区停车难问题", "推进{p}农村危房改造", "加强物业服务管理",
            "完善{p}供暖管网改造", "规范城区建筑工地施工管理", "推进城区雨污分流改造", "加快保障性住房建设"),
           ("cz", "zr", "cg", "fgw")),
    "jtys": (("修缮{p}通村公路", "增开城乡公交线路", "加强农村公路养护管理", "在{p}增设客运招呼站",
              "改善县城至{p}道路通行条件", "规范出租车运营秩序", "建设{p}农村物流服务网点"),
             ("cz", "gaj", "zr", "sg")),
    "wj": (("提升{p}卫生院医疗服务能力", "加强乡村医生队伍建设", "推进县域医共体建设",
            "加强老年人健康管理服务", "改善县人民医院就医环境", "加强妇幼保健服务", "完善家庭医生签约服务"),
           ("yb", "cz", "rs", "mz")),
    "ny": (("发展{p}特色林果产业", "加强高标准农田建设", "扶持{p}农民专业合作社发展", "推进畜禽粪污资源化利用",
            "加强农产品质量安全监管", "发展{p}设施农业", "完善农业社会化服务体系", "推进农村人居环境整治"),
           ("sl", "cz", "zr", "sj", "lc")),
    "zr": (("加快{p}农村宅基地确权登记", "科学编制{p}村庄规划", "加强耕地保护和违法占地整治",
            "解决{p}安置小区不动产登记难问题", "加强矿山生态修复"),
           ("ny", "zj", "hb")),
    "rs": (("加强高校毕业生就业服务", "做好农民工工资支付保障", "加强{p}劳动力技能培训",
            "完善灵活就业人员社会保险政策", "建设{p}零工市场"),
           ("cz", "sg", "mz")),
    "mz": (("完善{p}农村养老服务设施", "加强困境儿童关爱保护", "规范殡葬管理", "提升社区居家养老服务水平",
            "加强{p}村级综合服务中心建设"),
           ("cz", "wj", "zj")),
    "cz": (("加大乡村振兴衔接资金投入", "规范村级财务管理", "加强政府性债务风险防控"),
           ("fgw", "ny")),
    "sl": (("加强{p}农村饮水安全保障", "维修{p}灌溉渠道", "推进高效节水灌溉", "加强{p}河道防洪治理",
            "解决{p}农田灌溉用水紧张问题"),
           ("ny", "cz", "zr", "yj")),
    "sj": (("加强校园食品安全监管", "规范农贸市场经营秩序", "加强药品零售企业监管", "整治{p}集镇占道经营"),
           ("jt", "cg", "wj")),
    "wl": (("打造{p}乡村旅游精品线路", "建设全民健身步道", "加强{p}历史文化遗产保护", "丰富群众文化生活",
            "提升{p}农家书屋使用效率", "完善旅游景区基础设施"),
           ("jt", "zj", "jtys", "sg")),
    "fgw": (("推进工业园区基础设施建设", "加快{p}天然气管网建设", "稳定生猪等重要民生商品价格",
             "争取重大项目落地"),
            ("sg", "cz", "zr", "zj")),
    "hb": (("加强{p}生活污水治理", "治理县城冬季大气污染", "加强工业园区环境监管", "推进{p}农村生活垃圾治理"),
           ("zj", "ny", "cg")),
    "gaj": (("加强{p}道路交通安全管理", "在{p}学校周边增设交通信号灯", "加强电信网络诈骗防范宣传",
             "完善城区治安监控设施"),
            ("jtys", "jt", "cg")),
    "yj": (("加强{p}防汛抗旱能力建设", "开展安全生产专项整治", "建设{p}应急避难场所", "加强森林草原防灭火"),
           ("sl", "lc", "cz")),
    "sg": (("支持{p}农产品电商发展", "扶持中小微企业发展", "完善{p}县域商业体系", "加快工业园区招商引资"),
           ("fgw", "cz", "ny")),
    "lc": (("加强{p}林地管护", "推进防护林建设", "防治林业有害生物"),
           ("ny", "zr")),
    "yb": (("提高城乡居民医保报销比例", "推进{p}医保服务下沉", "加强医保基金监管"),
           ("wj", "cz")),
    "cg": (("整治城区{p}环境卫生", "增设城区公共厕所", "规范户外广告设置", "加强城区绿化养护"),
           ("zj", "hb", "sj")),
    "cgz": (("改善{p}集镇环境面貌", "解决{p}排水不畅问题", "修建{p}文化广场"), ("zj", "wl")),
    "hxz": (("硬化{p}巷道", "改善{p}村容村貌", "解决{p}路灯照明问题"), ("jtys", "zj")),
    "lqz": (("发展{p}庭院经济", "修建{p}农产品晾晒场"), ("ny",)),
    "dhx": (("解决{p}小学师生饮水问题", "维修{p}防渗渠"), ("sl", "jt")),
    "smx": (("建设{p}村级卫生室", "完善{p}便民服务设施"), ("wj", "mz")),
}
_TOWN_NAMES = ("城关镇", "河西镇", "柳泉镇", "大河乡", "石门乡")
_VILLAGES = ("东湖村", "红星村", "杨柳村", "三道河村", "柳树沟村", "新渠村", "团结村", "光明村", "南湾村",
             "石桥村", "双河村", "榆树庄村")

# --- people ----------------------------------------------------------------------------------------
_SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁"
             "魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹易常武乔贺")
_GIVEN = ("燕芹建国立新秀兰志强海红梅玉华丽娟明军文斌晓东春生桂英永刚淑珍庆学俊峰雪云霞德胜振萍凤琴"
          "宏伟静慧敏卫东金花光辉玉兰成林月英建华爱民向阳瑞卿少雄淑芬玉梅巧荣治平树森宝山")
_DELEGATIONS = ("城关镇代表团", "河西镇代表团", "柳泉镇代表团", "大河乡代表团", "石门乡代表团", "白杨镇代表团",
                "沙湾乡代表团", "县直机关代表团")
_SECTORS = ("教育界", "农业界", "医卫界", "经济界", "科技界", "文化艺术界", "工商联界", "中共界", "无党派人士界",
            "社会福利和社会保障界", "妇联界", "共青团和青联界", "少数民族界", "民主党派界")
_SUPERVISORS = ("王立新", "赵志强", "孙丽萍", "马建华", "陈向阳", "刘卫东")

_B_PROGRESS = ("已列入{y}年项目计划，正在开展前期工作", "已争取上级资金，正在组织实施", "正在推进，计划分两期实施",
               "已完成方案设计，待资金到位后实施", "已纳入年度重点工作，正在逐步解决")
_B_SOLVED = ("已解决：项目已完工并投入使用", "已解决：相关设施已建成", "已解决：问题已于回头看时核实整改到位")
_CLOSED_REASONS = ("答复内容涉及个人隐私", "答复内容涉及尚未定案的规划事项", "答复内容属于内部管理事项")
_EXT_REASONS = ("涉及项目立项和资金筹措，需与州级部门协调", "涉及多个部门职责，需进一步调研论证")
_RETURN_REASON = "所提事项属州级事权，不属本单位职责范围，申请退回重新交办"

_PROGRESS_COLUMNS = ("签收日期", "面商日期", "协办意见日期", "办理方案日期", "答复样稿日期", "正式答复日期",
                     "答复文号", "办理结果", "代表意见", "重新答复日期", "B类计划解决时限", "落实进展", "备案日期",
                     "回头看日期", "公开日期", "公开属性", "不公开理由")

_CN_DIGITS = "零一二三四五六七八九"


def _cn(n: int) -> str:
    """Chinese numeral for 1..99: 18 -> 十八, 5 -> 五."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def _session(category: str, level: str, year: int) -> str:
    """届次会次 of the year: the 县十八届人大 sits 2022–2026, its fifth session in 2026."""
    term, meeting = divmod(year - 2022, 5)
    if category == SUGGESTION:
        first = 18 if level == "县" else 15
        return f"{level}{_cn(first + term)}届人大{_cn(meeting + 1)}次会议"
    first = 12 if level == "县" else 14
    return f"{level}政协{_cn(first + term)}届{_cn(meeting + 1)}次会议"


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _prefecture_unit(key: str) -> str:
    """The 州 unit matching a county unit: 县教育和体育局 -> 州教育和体育局."""
    name = _UNIT[key].name
    return "州生态环境局" if key == "hb" else "州" + name.removeprefix("县")


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


@dataclass
class _Person:
    name: str
    group: str  # 代表团 or 界别
    phone: str


@dataclass
class _Meta:
    """What the generator knows about a row beyond its cells."""

    category: str
    level: str  # 州 or 县
    year: int
    role: str
    assigned: date
    host: str | None  # unit key
    co: list[str]
    special: str = ""  # key, extension, returned, due-soon, earlier-b, duplicate-target, planted, styled


class _Generator:
    def __init__(self, today: date, seed: int, year: int) -> None:
        self.today = today
        self.rng = random.Random(seed)
        self.year = year
        self.used_names: set[str] = set()
        self.used_pairs: set[tuple[str, str]] = set()
        self.rows: list[dict[str, object]] = []
        self.meta: list[_Meta] = []
        self.planted: list[Planted] = []

    # --- small pieces ---
    def clip(self, day: date) -> date:
        return min(day, self.today)

    def past(self, day: date) -> date | None:
        """The day when it has come by today, else None (the stage is not done yet)."""
        return day if day <= self.today else None

    def person_name(self) -> str:
        while True:
            given = "".join(self.rng.choice(_GIVEN) for _ in range(self.rng.choice((1, 2, 2, 2))))
            name = self.rng.choice(_SURNAMES) + given
            if name not in self.used_names and name not in _SUPERVISORS:
                self.used_names.add(name)
                return name

    def phone(self) -> str:
        if self.rng.random() < 0.08:
            return f"0994-{self.rng.randint(2000000, 8999999)}"
        return self.rng.choice(("13", "15", "18")) + "".join(str(self.rng.randint(0, 9)) for _ in range(9))

    def people(self, count: int, groups: tuple[str, ...]) -> list[_Person]:
        return [_Person(self.person_name(), self.rng.choice(groups), self.phone()) for _ in range(count)]

    def spell(self, key: str, avoid: str | None = None) -> str:
        """A unit as staff happen to write it: full name, short name or an alias."""
        unit = _UNIT[key]
        options = [unit.name] * 6 + ([unit.short] * 3 if unit.short else []) + [unit.aliases[0]]
        choices = [o for o in options if o != avoid] or [unit.name]
        return self.rng.choice(choices)

    def title(self, host: str, category: str) -> str:
        topics, _ = _TOPICS[host]
        topic = self.rng.choice(topics)
        if "{p}" in topic:
            if host in _TOWNS:
                town = _UNIT[host].short or ""
                place = town + self.rng.choice(_VILLAGES) if self.rng.random() < 0.6 else town
            else:
                roll = self.rng.random()
                place = ("" if roll < 0.5 else self.rng.choice(_TOWN_NAMES) if roll < 0.8
                         else self.rng.choice(_TOWN_NAMES) + self.rng.choice(_VILLAGES))
            topic = topic.replace("{p}", place)
        return f"关于{topic}的{'建议' if category == SUGGESTION else '提案'}"

    # --- progress ---
    def fill_host(self, row: dict[str, object], m: _Meta, fate: str, stop: int = 4) -> None:
        """Dates and outcome of a case the county hosts (主办), as far as they have come by today.

        fate: done, slow (late but replied), stalled (stops before stage `stop`+1),
        forced (done, dates squeezed into 交办..today)."""
        rng = self.rng
        for column in _PROGRESS_COLUMNS:
            row[column] = None
        a = m.assigned
        scale = rng.uniform(1.6, 2.2) if fate == "slow" else 1.0

        def step(lo: int, hi: int) -> int:
            return round(rng.randint(lo, hi) * scale)

        offsets = [rng.randint(1, 4)]  # 签收
        offsets.append(step(3, 12))  # 面商
        offsets.append(offsets[-1] + step(3, 12))  # 办理方案
        offsets.append(offsets[-1] + step(7, 25))  # 答复样稿
        offsets.append(offsets[-1] + step(5, 20))  # 正式答复
        offsets.append(min(rng.randint(10, 25), offsets[-1]))  # 协办意见
        if fate == "forced":
            span = (self.today - a).days
            if offsets[4] > span:
                offsets = [int(o * span / offsets[4]) for o in offsets]
        received, meeting, plan, draft, reply, co = (a + timedelta(days=o) for o in offsets)
        row["签收日期"] = self.past(received)
        if stop >= 1:
            row["面商日期"] = self.past(meeting)
        if stop >= 2:
            row["办理方案日期"] = self.past(plan)
        if stop >= 3:
            row["答复样稿日期"] = self.past(draft)
        if m.co and (stop >= 4 or rng.random() < 0.5):
            row["协办意见日期"] = self.past(co)
        if stop < 4 or reply > self.today:
            return
        row["正式答复日期"] = reply
        self.outcome(row, reply, m, forced=fate == "forced")
        disclosure = rng.choices(("主动公开", "依申请公开", "不公开"), (85, 8, 7))[0]
        row["公开属性"] = disclosure
        if disclosure == "主动公开":
            row["公开日期"] = self.past(reply + timedelta(days=rng.randint(20, 60)))
        else:
            row["不公开理由"] = rng.choice(_CLOSED_REASONS)
        if row["代表意见"] is not None:
            row["备案日期"] = self.past(reply + timedelta(days=rng.randint(5, 15)))
            row["回头看日期"] = self.past(reply + timedelta(days=rng.randint(30, 60)))

    def outcome(self, row: dict[str, object], reply: date, m: _Meta, forced: bool = False) -> None:
        """办理结果, its B-class follow-up and the proposer's opinion once the reply is out."""
        rng = self.rng
        result = rng.choices("ABC", (60, 30, 10))[0]
        row["办理结果"] = result
        if result == "B":
            row["B类计划解决时限"] = rng.choice((date(m.year, 12, 31), date(m.year + 1, 6, 30)))
            row["落实进展"] = rng.choice(_B_PROGRESS).format(y=m.year)
        elif result == "A" and rng.random() < 0.3:
            row["落实进展"] = "已解决"
        if not forced and reply + timedelta(days=rng.randint(5, 20)) > self.today:
            return
        weights = (72, 25, 0) if forced else (70, 25, 5)
        opinion = rng.choices(("满意", "基本满意", "不满意"), weights)[0]
        row["代表意见"] = opinion
        if opinion == "不满意":
            # re-replied within 15–25 days; if that is still ahead, the one-month deadline is too
            row["重新答复日期"] = self.past(reply + timedelta(days=rng.randint(15, 25)))
            row["备注"] = "代表不满意，已再次办理" if row["重新答复日期"] else "代表不满意，正在再次办理"

    def fill_co(self, row: dict[str, object], m: _Meta, fate: str) -> None:
        """A 州 case the county co-handles: its opinion to the 州 host, then the host's reply."""
        rng = self.rng
        for column in _PROGRESS_COLUMNS:
            row[column] = None
        a = m.assigned
        row["签收日期"] = self.past(a + timedelta(days=rng.randint(1, 4)))
        if fate == "stalled":
            return
        co = a + timedelta(days=rng.randint(10, 25))
        row["协办意见日期"] = self.past(co)
        reply = co + timedelta(days=rng.randint(20, 60))
        if reply <= self.today:
            row["正式答复日期"] = reply
            self.outcome(row, reply, m)
            if rng.random() < 0.5:
                row["代表意见"] = None
                row["重新答复日期"] = None
                row["备注"] = None

    # --- rows ---
    def new_row(self, m: _Meta, number: str, timing: str, person: _Person, host_text: str | None,
                co_text: str | None, title: str, level_text: str) -> dict[str, object]:
        row: dict[str, object] = {c.name: None for c in COLUMNS}
        lead = person.name
        cosigners: int | None = None
        if self.rng.random() < 0.2:
            total = self.rng.randint(3, 15)
            lead, cosigners = f"{person.name}等{total}人", total - 1
        elif self.rng.random() < 0.5:
            cosigners = self.rng.randint(1, 6)
        row.update({
            "编号": number, "类别": m.category, "级别": level_text, "年度": m.year,
            "届次会次": _session(m.category, m.level, m.year), "提出时间": timing, "标题": title,
            "领衔人": lead, "附议人数": cosigners, "代表团": person.group, "联系电话": person.phone,
            "本级承办方式": m.role, "主办单位": host_text, "协办单位": co_text, "交办日期": m.assigned,
            "重点件": "否" if m.role != "参阅" else None,
        })
        return row

    def case_title(self, host: str, category: str, lead: str) -> str:
        for _ in range(50):
            title = self.title(host, category)
            if (title, lead) not in self.used_pairs:
                self.used_pairs.add((title, lead))
                return title
        raise RuntimeError("标题用尽")  # pragma: no cover - the topic pool is large enough

    def pick_host(self) -> str:
        keys = [k for k in _TOPICS if k not in _TOWNS]
        weights = {"jt": 6, "zj": 6, "jtys": 5, "wj": 5, "ny": 5, "sl": 4, "rs": 3, "mz": 3, "zr": 3, "wl": 3}
        if self.rng.random() < 0.1:
            return self.rng.choice(_TOWNS)
        return self.rng.choices(keys, [weights.get(k, 2) for k in keys])[0]

    def pick_co(self, host: str) -> list[str]:
        _, related = _TOPICS[host]
        count = self.rng.choices((0, 1, 2), (50, 35, 15))[0]
        pool = [k for k in related if k != host]
        return self.rng.sample(pool, min(count, len(pool)))

    def group(self, category: str, level: str, count: int, recess: int, roles: tuple[int, int, int],
              people: list[_Person]) -> None:
        """`count` cases of one 类别 and 级别: `recess` of them 闭会期间, roles (主办, 协办, 参阅)."""
        rng, year = self.rng, self.year
        numbers = list(range(1, count + 1)) if level == "县" else sorted(rng.sample(range(1, 330), count))
        role_list = ["主办"] * roles[0] + ["协办"] * roles[1] + ["参阅"] * roles[2]
        rng.shuffle(role_list)
        batch = date(year, 3, 18 if category == SUGGESTION else 19) if level == "县" else date(year, 3, 22)
        for i, n in enumerate(numbers):
            word = ("人大", "建议") if category == SUGGESTION else ("政协", "提案")
            number = f"{level}{word[0]}第{n}号{word[1]}"
            role = role_list[i]
            in_recess = i >= count - recess
            if in_recess:
                start = date(year, 4, 15)
                assigned = start + timedelta(days=rng.randint(0, 160))
            else:
                assigned = batch + timedelta(days=rng.choice((0, 0, 0, 0, 0, 0, 1, 3)))
            m = _Meta(category, level, year, role, self.clip(assigned), None, [])
            person = rng.choice(people)
            host = self.pick_host()
            while role == "协办" and host in _TOWNS:
                host = self.pick_host()
            if role == "主办":
                m.host, m.co = host, self.pick_co(host)
            elif role == "协办" or rng.random() < 0.6:
                m.host = host
            level_text = level if rng.random() < 0.35 else ("县(区)" if level == "县" else "州(市)")
            title = self.case_title(host, category, person.name)
            host_text = self.spell(m.host) if m.host else None
            co_text = "、".join(self.spell(k) for k in m.co) or None
            row = self.new_row(m, number, "闭会期间" if in_recess else "大会期间", person, host_text, co_text,
                               title, level_text)
            if role == "主办":
                roll = rng.random()
                if roll < 0.70:
                    self.fill_host(row, m, "done")
                elif roll < 0.85:
                    self.fill_host(row, m, "slow")
                else:
                    self.fill_host(row, m, "stalled", rng.choice((0, 1, 1, 2, 3)))
            elif role == "协办":
                self.fill_co(row, m, "done" if rng.random() < 0.8 else "stalled")
                row["备注"] = f"州级主办：{_prefecture_unit(host)}"
            else:
                for column in _PROGRESS_COLUMNS:
                    row[column] = None
                row["签收日期"] = self.past(m.assigned + timedelta(days=rng.randint(1, 4)))
                row["备注"] = "参阅件，供工作参考"
            self.rows.append(row)
            self.meta.append(m)

    def earlier_b(self, category: str, count: int, people: list[_Person], first_number: int) -> None:
        """Earlier years' B cases still tracked (跨年度), some resolved by now."""
        rng, last = self.rng, self.year - 1
        n = first_number
        for i in range(count):
            n += rng.randint(1, 6)
            host = self.pick_host()
            m = _Meta(category, "县", last, "主办", date(last, 3, 18 if category == SUGGESTION else 19), host,
                      self.pick_co(host), special="earlier-b")
            person = rng.choice(people)
            word = ("人大", "建议") if category == SUGGESTION else ("政协", "提案")
            number = f"县{word[0]}第{n}号{word[1]}"
            row = self.new_row(m, number, "大会期间", person, self.spell(host),
                               "、".join(self.spell(k) for k in m.co) or None,
                               self.case_title(host, category, person.name), "县(区)" if i % 2 else "县")
            for column in _PROGRESS_COLUMNS:
                row[column] = None
            a = m.assigned
            meeting = a + timedelta(days=rng.randint(4, 10))
            draft = meeting + timedelta(days=rng.randint(20, 35))
            reply = draft + timedelta(days=rng.randint(7, 20))
            row.update({
                "签收日期": a + timedelta(days=2), "面商日期": meeting, "答复样稿日期": draft, "正式答复日期": reply,
                "办理结果": "B", "代表意见": rng.choice(("满意", "满意", "基本满意")),
                "B类计划解决时限": rng.choice((date(self.year, 6, 30), date(self.year, 12, 31))),
                "备案日期": reply + timedelta(days=10), "公开属性": "主动公开",
                "公开日期": reply + timedelta(days=40),
            })
            if m.co:
                row["协办意见日期"] = a + timedelta(days=rng.randint(12, 20))
            solved = i % 2 == 0
            row["落实进展"] = rng.choice(_B_SOLVED if solved else _B_PROGRESS).format(y=self.year)
            review = date(self.year, 3, rng.randint(2, 28))
            row["回头看日期"] = self.past(review)
            row["备注"] = f"{last}年度B类件跟踪办理"
            self.rows.append(row)
            self.meta.append(m)

    # --- specials and planted mistakes ---
    def candidates(self, need_host: str | None = None, level: str = "县") -> list[int]:
        return [i for i, m in enumerate(self.meta)
                if m.year == self.year and m.role == "主办" and not m.special and m.level == level
                and (need_host is None or m.host == need_host)]

    def take(self, pool: list[int], special: str) -> int:
        i = self.rng.choice(pool)
        pool.remove(i)
        self.meta[i].special = special
        return i

    def specials(self) -> None:
        rng, year = self.rng, self.year
        hosts = [i for i, m in enumerate(self.meta) if m.year == year and m.role == "主办"]
        for i in rng.sample(hosts, round(len(self.rows) * 0.08)):
            self.meta[i].special = "key"
            self.rows[i]["重点件"] = "是"
            self.rows[i]["督办领导"] = rng.choice(_SUPERVISORS)
        pool = self.candidates()
        for reason in _EXT_REASONS:
            i = self.take(pool, "extension")
            self.fill_host(self.rows[i], self.meta[i], "stalled", 3)
            self.rows[i]["延期至"] = _add_months(self.meta[i].assigned, 5)
            self.rows[i]["延期理由"] = reason
        i = self.take(pool, "returned")
        row, m = self.rows[i], self.meta[i]
        self.fill_host(row, m, "stalled", 0)
        row["协办意见日期"] = None
        row["退回日期"] = self.clip(m.assigned + timedelta(days=3))
        row["退回理由"] = _RETURN_REASON
        row["备注"] = "已退回县政府办公室，待重新交办"
        # due soon: 闭会期间 cases assigned about three months ago, reply not yet out
        due = self.today - timedelta(days=86)
        recess = [i for i in pool if self.rows[i]["提出时间"] == "闭会期间"]
        if date(year, 4, 1) <= due and due.year == year:
            for i in recess[:3]:
                pool.remove(i)
                self.meta[i].special = "due-soon"
                self.meta[i].assigned = due
                self.rows[i]["交办日期"] = due
                self.fill_host(self.rows[i], self.meta[i], "stalled", self.rng.choice((1, 3)))
                due += timedelta(days=1)

    def plant(self, i: int, column: str, code: str, note: str) -> None:
        self.meta[i].special = "planted"
        self.planted.append(Planted(str(self.rows[i]["编号"]), column, code, note))

    def plant_all(self) -> None:
        rng = self.rng
        jt = self.candidates("jt")
        pool = [i for i in self.candidates() if i not in jt]

        def forced(pool_: list[int]) -> tuple[int, dict[str, object], _Meta]:
            i = self.take(pool_, "planted")
            self.fill_host(self.rows[i], self.meta[i], "forced")
            return i, self.rows[i], self.meta[i]

        i, row, _ = forced(pool)
        row["领衔人"] = None
        self.plant(i, "领衔人", "missing-value", "领衔人为空")

        i, row, _ = forced(pool)
        row["代表意见"], row["重新答复日期"] = "非常满意", None
        self.plant(i, "代表意见", "invalid-enum", "代表意见填写“非常满意”，不在可选值内")

        # duplicate 编号: the later row repeats an earlier row's number in the same 类别 and 年度
        later = max(pool)
        first = min(j for j in pool if self.meta[j].category == self.meta[later].category)
        pool.remove(later)
        pool.remove(first)
        self.meta[first].special = "duplicate-target"
        self.rows[later]["编号"] = self.rows[first]["编号"]
        self.plant(later, "编号", "duplicate-number", f"与前面一行编号重复（{self.rows[first]['编号']}）")

        i, row, _ = forced(pool)
        row["答复样稿日期"] = f"{self.year}.13.45"
        self.plant(i, "答复样稿日期", "unparsed-value", f"答复样稿日期写成“{self.year}.13.45”，不是存在的日期")

        i, row, m = forced(pool)
        reply = row["正式答复日期"]
        assert isinstance(reply, date)
        wrong = reply.replace(year=reply.year - 1)
        for column in ("签收日期", "面商日期", "协办意见日期", "办理方案日期", "答复样稿日期", "重新答复日期",
                       "备案日期", "回头看日期", "公开日期"):
            row[column] = None
        row.update({"正式答复日期": wrong, "协办单位": None, "代表意见": "满意", "备注": None})
        m.co = []
        self.plant(i, "正式答复日期", "date-order", f"正式答复日期误写为{wrong.isoformat()}，早于交办日期")

        i = self.take(pool, "planted")
        row, m = self.rows[i], self.meta[i]
        self.fill_host(row, m, "stalled", 0)
        row["协办意见日期"] = None
        row["面商日期"] = self.today + timedelta(days=10)
        self.plant(i, "面商日期", "date-in-future", "面商日期晚于今天")

        i = self.take(jt, "planted")
        self.rows[i]["主办单位"] = _TYPO_OF_JT
        self.plant(i, "主办单位", "unknown-unit", f"主办单位写成“{_TYPO_OF_JT}”，单位名录中没有（应为县教育和体育局）")

        i = self.take(pool, "planted")
        row, m = self.rows[i], self.meta[i]
        host = m.host or "jt"
        others = [k for k in _TOPICS[host][1] if k != host][:1]
        m.co = [host, *others]
        row["协办单位"] = "、".join([self.spell(host, avoid=str(row["主办单位"])), *(self.spell(k) for k in others)])
        self.plant(i, "协办单位", "host-in-co-units", "协办单位中含主办单位（另一种写法）")

        i = self.take(jt, "planted")
        self.rows[i]["主办单位"] = _UNIT["jt_jc"].name
        self.plant(i, "主办单位", "section-as-host", "以内设机构“县教体局基础教育股”作为主办单位")

        i, row, _ = forced(pool)
        row.update({"办理结果": None, "B类计划解决时限": None, "落实进展": None})
        self.plant(i, "办理结果", "reply-without-result", "已正式答复但未填写办理结果")

        i = self.take(pool, "planted")
        self.rows[i]["重点件"], self.rows[i]["督办领导"] = "是", None
        self.plant(i, "督办领导", "key-case-without-supervisor", "重点件未填写督办领导")

        i, row, _ = forced(pool)
        row.update({"公开属性": "不公开", "不公开理由": None, "公开日期": None})
        self.plant(i, "不公开理由", "disclosure-without-reason", "公开属性为“不公开”但未填写理由")

        i, row, m = forced(pool)
        row.update({"办理结果": "B", "B类计划解决时限": None, "落实进展": rng.choice(_B_PROGRESS).format(y=m.year)})
        self.plant(i, "B类计划解决时限", "b-without-plan-deadline", "B类件未填写计划解决时限")

        i = self.take(pool, "planted")
        row, m = self.rows[i], self.meta[i]
        self.fill_host(row, m, "stalled", 3)
        row["延期至"] = _add_months(m.assigned, 8)
        row["延期理由"] = "项目需纳入下一年度预算"
        self.plant(i, "延期至", "extension-too-long", "延期至交办后8个月，超过6个月上限")

        i = self.take(pool, "planted")
        self.rows[i]["联系电话"] = "1" + "".join(str(rng.randint(0, 9)) for _ in range(9))
        self.plant(i, "联系电话", "phone-format", "联系电话只有10位")

    def styled(self) -> None:
        """Spellings the reader must cope with, on clean rows: text dates and full-width digits."""
        pool = [i for i, m in enumerate(self.meta) if m.year == self.year and not m.special]
        picks = self.rng.sample(pool, 6)
        for k, i in enumerate(picks[:4]):
            row, m = self.rows[i], self.meta[i]
            self.meta[i].special = "styled"
            d = m.assigned
            row["交办日期"] = (f"{d.year}.{d.month}.{d.day}", f"{d.year}年{d.month}月{d.day}日",
                              f"{d.month}月{d.day}日", f" {d.year}/{d.month}/{d.day} ")[k]
        for i in picks[4:]:
            self.meta[i].special = "styled"
            self.rows[i]["编号"] = _fullwidth(str(self.rows[i]["编号"]))

    def reply_numbers(self) -> None:
        """答复文号 of every hosted reply, numbered per issuer in the order of the replies."""
        replied = [i for i, m in enumerate(self.meta)
                   if m.role == "主办" and isinstance(self.rows[i]["正式答复日期"], date)]

        def when(i: int) -> tuple[date, int]:
            reply = self.rows[i]["正式答复日期"]
            assert isinstance(reply, date)
            return reply, i

        replied.sort(key=when)
        counters: dict[tuple[str, int], int] = {}
        for i in replied:
            m, reply = self.meta[i], self.rows[i]["正式答复日期"]
            assert isinstance(reply, date)
            prefix = "清政办函" if m.level == "州" else _UNIT[m.host or "fgw"].prefix or "清政函"
            key = (prefix, reply.year)
            counters[key] = counters.get(key, self.rng.randint(3, 20)) + self.rng.randint(1, 3)
            self.rows[i]["答复文号"] = f"{prefix}〔{reply.year}〕{counters[key]}号"


def default_year(today: date) -> int:
    """The ledger year: this year once the year's cases have been assigned (after April 1)."""
    return today.year if today > date(today.year, 4, 1) else today.year - 1


def generate(today: date, seed: int = 2026, year: int | None = None) -> SampleLedger:
    """A realistic county ledger as of `today`, the same for the same arguments."""
    year = default_year(today) if year is None else year
    if year > today.year:
        raise ValueError(f"年度 {year} 晚于今天 {today.isoformat()}")
    g = _Generator(today, seed, year)
    county_deputies = g.people(110, _DELEGATIONS)
    prefecture_deputies = g.people(24, ("清河县代表团",))
    county_members = g.people(150, _SECTORS)
    prefecture_members = g.people(30, _SECTORS)
    g.group(SUGGESTION, "州", 32, 0, (12, 18, 2), prefecture_deputies)
    g.group(SUGGESTION, "县", 108, 5, (108, 0, 0), county_deputies)
    g.group(PROPOSAL, "州", 44, 0, (16, 26, 2), prefecture_members)
    g.group(PROPOSAL, "县", 186, 6, (186, 0, 0), county_members)
    g.earlier_b(SUGGESTION, 5, county_deputies, 115)
    g.earlier_b(PROPOSAL, 6, county_members, 195)
    g.specials()
    g.plant_all()
    g.styled()
    g.reply_numbers()
    for n, row in enumerate(g.rows, start=1):
        row["序号"] = n
    units: list[dict[str, object]] = [
        {"单位名称": u.name, "简称": u.short, "别名": "、".join(u.aliases) or None,
         "类型": "内设机构" if u.section else "承办单位", "排序": n, "电子邮箱": f"{u.email}@example.gov.cn"}
        for n, u in enumerate(_UNITS, start=1)
    ]
    return SampleLedger(
        year=year,
        title=f"{year}年{COUNTY}人大代表建议和政协委员提案办理台账",
        county=COUNTY,
        units=units,
        rows=g.rows,
        planted=g.planted,
    )
