"""The weekly run's TOML config. Paths in it are relative to the config file, so the file can
sit beside the ledgers and be moved with them."""

from __future__ import annotations

import ipaddress
import re
import tomllib
from datetime import time
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from taizhang.core.errors import BadInput

LEDGER_SUFFIXES = (".xlsx", ".xlsm", ".xls")
# Chinese spellings offices write, to the English day names `schedule` knows.
WEEKDAYS = {
    "monday": ("周一", "星期一"), "tuesday": ("周二", "星期二"), "wednesday": ("周三", "星期三"),
    "thursday": ("周四", "星期四"), "friday": ("周五", "星期五"), "saturday": ("周六", "星期六"),
    "sunday": ("周日", "星期日", "星期天", "周天"),
}
DEFAULT_CONFIG_NAME = "台账周检.toml"
TIME_PATTERN = re.compile(r"^(\d{1,2})[:：](\d{2})$")  # a full-width colon is typed often


class RunSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ledgers: list[str] = Field(min_length=1)
    weekday: str = "monday"
    time: str = "08:30"
    report_dir: str = "报告"
    keep_reports: int = Field(12, ge=1)
    update_master: bool = False
    log_file: str = ""  # default: 台账周检.log in report_dir
    sheet: str | None = None  # the ledger sheet, when it cannot be found by itself
    collect: bool = False  # also collect the returns from the [imap] mailbox and try merging them (dry run)

    @field_validator("weekday")
    @classmethod
    def _weekday(cls, value: str) -> str:
        v = value.strip().lower()
        for day, chinese in WEEKDAYS.items():
            if v == day or v in chinese:
                return day
        raise ValueError(f"“{value}”不是星期几，应为 monday … sunday 或 周一 … 周日")

    @field_validator("time")
    @classmethod
    def _time(cls, value: str) -> str:
        found = TIME_PATTERN.match(value.strip())
        if found and int(found[1]) < 24 and int(found[2]) < 60:
            return time(int(found[1]), int(found[2])).strftime("%H:%M")  # schedule wants 08:30, not 8:30
        raise ValueError(f"“{value}”不是时刻，应写作 HH:MM，如 08:30")


class EmailSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host: str
    port: int = Field(25, ge=1, le=65535)
    starttls: bool = False
    user: str = ""
    password_env: str = "TAIZHANG_SMTP_PASSWORD"
    sender: str
    recipients: list[str] = Field(default_factory=list)
    send_to_units: bool = False  # also mail each unit its own overdue cases (单位名录's 电子邮箱)
    timeout: float = Field(30.0, gt=0)


RETURN_FOLDER = "回收"  # beside the ledger; `collect` saves into 回收/YYYY-MM-DD/
DEFAULT_MAX_ATTACHMENT_MB = 20.0  # a unit's workbook is well under 1 MB; returned.MAX_FILE caps reading at 30
SECURITY_PORTS = {"ssl": 993, "starttls": 143, "none": 143}


class ImapSettings(BaseModel):
    """The office mailbox `taizhang collect` reads the units' returns from."""

    model_config = ConfigDict(extra="forbid")

    host: str
    port: int | None = Field(None, ge=1, le=65535)  # default by security: 993 for ssl, else 143
    security: Literal["ssl", "starttls", "none"] = "ssl"
    user: str
    password_env: str = "TAIZHANG_IMAP_PASSWORD"
    folder: str = "INBOX"
    processed_folder: str = "台账助手已回收"
    ledger: str = ""  # the master the returns belong to; default: the one ledger of [run]
    save_dir: str = ""  # default: the 回收 folder beside that ledger
    max_attachment_mb: float = Field(DEFAULT_MAX_ATTACHMENT_MB, gt=0, le=30)
    timeout: float = Field(30.0, gt=0)

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("收信服务器不能为空")
        return value.strip()

    @property
    def real_port(self) -> int:
        return self.port or SECURITY_PORTS[self.security]

    @model_validator(mode="after")
    def _folders(self) -> ImapSettings:
        if self.processed_folder.strip() == self.folder.strip():
            raise ValueError(f"processed_folder 与 folder 相同（“{self.folder}”）：处理过的邮件须移到另一个邮件夹")
        return self

    def check_security(self) -> None:
        """Plain IMAP sends the password in clear: only to this computer itself."""
        if self.security == "none" and not is_loopback(self.host):
            raise ValueError(f"security = \"none\"（不加密）只允许用于本机 127.0.0.1，"
                             f"收信服务器“{self.host}”请用 \"ssl\" 或 \"starttls\"")


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name: it could resolve anywhere


class WeeklyConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    run: RunSettings
    email: EmailSettings | None = None
    imap: ImapSettings | None = None
    base: Path = Field(Path("."), exclude=True)  # the config file's folder

    def resolve(self, relative: str) -> Path:
        path = Path(relative).expanduser()
        return path if path.is_absolute() else self.base / path

    @property
    def report_dir(self) -> Path:
        return self.resolve(self.run.report_dir)

    @property
    def log_file(self) -> Path:
        return self.resolve(self.run.log_file) if self.run.log_file else self.report_dir / "台账周检.log"

    @property
    def schedule_state(self) -> Path:
        return self.report_dir / ".taizhang-schedule.json"

    def collect_ledger(self) -> Path:
        """The master whose returns `collect` gathers: [imap] ledger, else the one ledger of [run]."""
        if self.imap is not None and self.imap.ledger:
            path = self.resolve(self.imap.ledger)
            if not path.is_file():
                raise BadInput(f"找不到 [imap] ledger 指定的台账“{path}”")
            return path.resolve()
        paths, problems = self.ledger_paths()
        if len(paths) != 1:
            found = "没有找到台账" + ("（" + "；".join(problems) + "）" if problems else "") if not paths else \
                f"[run] ledgers 中有 {len(paths)} 个台账"
            raise BadInput(f"回收需要知道是哪一个台账的回传：{found}。请在配置的 [imap] 部分写 ledger = \"台账.xlsx\"")
        return paths[0]

    def return_folder(self, ledger: Path) -> Path:
        """Where collected workbooks go (in dated subfolders): [imap] save_dir, else 回收 beside the ledger."""
        if self.imap is not None and self.imap.save_dir:
            return self.resolve(self.imap.save_dir)
        return ledger.parent / RETURN_FOLDER

    def ledger_paths(self) -> tuple[list[Path], list[str]]:
        """Every ledger file the config names (folders: their workbooks, not recursing), and a
        Chinese sentence for each entry that names nothing usable."""
        found: list[Path] = []
        problems: list[str] = []
        for entry in self.run.ledgers:
            path = self.resolve(entry)
            if path.is_dir():
                books = sorted(p for p in path.iterdir() if p.is_file() and is_ledger_name(p.name))
                if not books:
                    problems.append(f"文件夹“{path}”中没有 Excel 台账（.xlsx、.xlsm、.xls）")
                found.extend(books)
            elif path.is_file():
                found.append(path)
            else:
                problems.append(f"找不到台账“{path}”（配置中写的是“{entry}”）")
        unique = list(dict.fromkeys(p.resolve() for p in found))
        return unique, problems


def is_ledger_name(name: str) -> bool:
    """A workbook, not an owner file of Excel/WPS/LibreOffice nor one of the tool's temp files."""
    return name.lower().endswith(LEDGER_SUFFIXES) and not name.startswith(("~$", ".~"))


def load_config(path: Path) -> WeeklyConfig:
    if not path.is_file():
        raise BadInput(f"找不到配置文件“{path}”。可用 taizhang schedule --init --config {path.name} 生成示例")
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as err:
        raise BadInput(f"配置文件“{path.name}”格式有误：{err}") from None
    except UnicodeDecodeError:
        raise BadInput(f"配置文件“{path.name}”不是 UTF-8 编码，请用记事本“另存为 UTF-8”后再试") from None
    try:
        config = WeeklyConfig.model_validate(data)
    except ValidationError as err:
        raise BadInput(f"配置文件“{path.name}”有误：" + "；".join(_problem(e) for e in err.errors())) from None
    if config.imap is not None:
        try:
            config.imap.check_security()
        except ValueError as err:
            raise BadInput(f"配置文件“{path.name}”有误：imap.security：{err}") from None
    config.base = path.resolve().parent
    return config


def _problem(error: Any) -> str:
    where = ".".join(str(part) for part in error["loc"])
    kind = error["type"]
    if kind == "missing":
        return f"缺少 {where}"
    if kind == "extra_forbidden":
        return f"不认识的设置 {where}（是否拼写有误？）"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}：{message}"


EXAMPLE = """\
# 台账助手 · 每周自动校验的配置（UTF-8 编码）。
# 用法：taizhang weekly --config 台账周检.toml     立即运行一次（供 Windows 任务计划或 cron 调用）
#       taizhang schedule --config 台账周检.toml   常驻运行，每周按下面的时间自动运行

[run]
# 要检查的台账：文件或文件夹（文件夹中的 .xlsx/.xlsm/.xls 都会检查），相对于本配置文件所在位置
ledgers = ["台账.xlsx"]
# 每周哪一天、几点运行（monday … sunday，也可写 周一 … 周日；时间为 24 小时制）
weekday = "monday"
time = "08:30"
# 报告存放的文件夹，每个台账一个子文件夹，报告名如 校验报告_2026-05-11.xlsx
report_dir = "报告"
# 每个台账保留最近多少份报告，更早的自动删除
keep_reports = 12
# 是否把校验结果和截止日期写回台账（写前自动备份；台账正被他人打开时不写）。默认不写
update_master = false
# 每周运行时是否先从办公邮箱收取各单位回传的工作簿（需要下面的 [imap] 部分），试合并（不写入台账），
# 并把“已回传、未回传、合并冲突”写进邮件。合并请之后用 taizhang merge 或“回收合并”按钮进行
collect = false
# 日志文件（默认在报告文件夹中的 台账周检.log）
# log_file = "台账周检.log"

# 发送邮件：不需要时删除或注释掉整个 [email] 部分
[email]
host = "127.0.0.1"          # 发信服务器（SMTP）
port = 25
starttls = false            # 服务器要求加密时改为 true（端口常为 587）
user = ""                   # 登录名，无需登录时留空
password_env = "TAIZHANG_SMTP_PASSWORD"   # 密码不写在这里，而是放在这个环境变量中
sender = "duban@example.gov.cn"
recipients = ["duban@example.gov.cn"]
# 是否另给每个承办单位发一封只含本单位逾期件和问题的邮件（邮箱取自台账“单位名录”工作表）
send_to_units = false

# 从办公邮箱收取各单位回传的工作簿（taizhang collect）：不需要时删除或注释掉整个 [imap] 部分
[imap]
host = "imap.example.gov.cn"  # 收信服务器（IMAP）
security = "ssl"            # ssl（端口 993）、starttls（端口 143）；none 不加密，只允许本机 127.0.0.1
# port = 993                # 不写则按 security 取默认端口
user = "duban@example.gov.cn"
password_env = "TAIZHANG_IMAP_PASSWORD"   # 密码不写在这里，而是放在这个环境变量中
folder = "INBOX"            # 从哪个邮件夹收取（可在邮箱中设规则把回传邮件放进单独的文件夹）
processed_folder = "台账助手已回收"   # 处理过的邮件移到这里（没有则自动创建），下次不再收取
# ledger = "台账.xlsx"      # 回传属于哪个台账；[run] 中只有一个台账时可不写
# save_dir = "回收"         # 附件保存位置（其下按日期分文件夹），默认是台账旁边的“回收”文件夹
max_attachment_mb = 20      # 超过这个大小（MB）的附件不保存，只在回收情况中列出
"""


def write_example(path: Path) -> Path:
    if path.exists():
        raise BadInput(f"“{path}”已存在，未覆盖。请换一个文件名，或先删除它")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(EXAMPLE, encoding="utf-8")
    return path
