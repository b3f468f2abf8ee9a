"""A bilingual glossary of the domain, used to expand English questions into the reports' Chinese terms.

English questions about Chinese text were the weakest case for every method measured here (BM25 hit@1 .33);
adding the Chinese terms gives BM25 something to match and the multilingual embedder a second anchor.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.core.text import question_lang

# listed companies whose English names are brands, not pinyin (pinyin ones — Wuliangye, Hua Hong, Changshu
# Bank — are read from the reports' own words: bilingual.pinyin_groups). Large caps across sectors, as a
# securities master would give them; a name no report writes makes the question a near miss.
COMPANIES: dict[str, str] = {
    "catl": "宁德时代", "contemporary amperex": "宁德时代", "byd": "比亚迪", "kweichow moutai": "贵州茅台",
    "moutai": "茅台", "luzhou laojiao": "泸州老窖", "shanxi fenjiu": "山西汾酒", "smic": "中芯国际",
    "li auto": "理想汽车", "xpeng": "小鹏汽车", "nio": "蔚来", "xiaomi": "小米", "seres": "赛力斯",
    "great wall motor": "长城汽车", "geely": "吉利汽车", "saic": "上汽集团", "tesla": "特斯拉",
    "wuxi apptec": "药明康德", "wuxi biologics": "药明生物", "tigermed": "泰格医药", "pharmaron": "康龙化成",
    "asymchem": "凯莱英", "mindray": "迈瑞医疗", "porton": "博腾股份", "joinn": "昭衍新药",
    "icbc": "工商银行", "ccb": "建设银行", "china construction bank": "建设银行", "bank of china": "中国银行",
    "agricultural bank of china": "农业银行", "china merchants bank": "招商银行", "ping an bank": "平安银行",
    "bank of communications": "交通银行", "industrial bank": "兴业银行", "postal savings bank": "邮储银行",
    "sungrow": "阳光电源", "longi": "隆基绿能", "jinkosolar": "晶科能源", "trina solar": "天合光能",
    "ja solar": "晶澳科技", "eve energy": "亿纬锂能", "china mobile": "中国移动", "china unicom": "中国联通",
    "china telecom": "中国电信", "inspur": "浪潮信息", "sugon": "中科曙光", "innolight": "中际旭创",
    "luxshare": "立讯精密", "foxconn industrial internet": "工业富联", "hikvision": "海康威视", "naura": "北方华创",
    "amec": "中微公司", "spd bank": "浦发银行", "shanghai pudong development bank": "浦发银行", "china citic bank": "中信银行",
    "citic bank": "中信银行", "minsheng bank": "民生银行", "china everbright bank": "光大银行",
    "bank of ningbo": "宁波银行", "bank of jiangsu": "江苏银行", "bank of beijing": "北京银行",
    "tongwei": "通威股份", "gcl tech": "协鑫科技", "tcl zhonghuan": "TCL中环", "hengrui": "恒瑞医药",
    "beigene": "百济神州", "yangtze memory": "长江存储", "ymtc": "长江存储", "cxmt": "长鑫存储",
}


# English phrase (lower case) → Chinese terms as the reports write them. Longer phrases are matched first.
EN_ZH: dict[str, str] = {
    # regions
    "beijing": "北京", "shanghai": "上海", "guangdong": "广东", "shenzhen": "深圳", "anhui": "安徽",
    "chongqing": "重庆", "fuzhou": "福州", "fujian": "福建", "shanxi": "山西", "henan": "河南", "gansu": "甘肃",
    "jiangsu": "江苏", "hebei": "河北", "shaanxi": "陕西", "guizhou": "贵州", "sichuan": "四川", "hunan": "湖南",
    "shandong": "山东", "liaoning": "辽宁", "yunnan": "云南", "zhejiang": "浙江", "jilin": "吉林",
    "inner mongolia": "内蒙古", "chengdu": "成都", "shenyang": "沈阳", "kunming": "昆明", "guangzhou": "广州",
    "tianjin": "天津", "hubei": "湖北", "xinjiang": "新疆", "ningxia": "宁夏", "hainan": "海南",
    # more provinces and cities, so an English question never loses the region it names
    "heilongjiang": "黑龙江", "jiangxi": "江西", "qinghai": "青海", "taiwan": "台湾", "guangxi": "广西",
    "tibet": "西藏", "xizang": "西藏", "hong kong": "香港", "macau": "澳门", "macao": "澳门", "hangzhou": "杭州",
    "nanjing": "南京", "wuhan": "武汉", "xi'an": "西安", "xian": "西安", "suzhou": "苏州", "changsha": "长沙",
    "zhengzhou": "郑州", "hefei": "合肥", "jinan": "济南", "qingdao": "青岛", "xiamen": "厦门", "ningbo": "宁波",
    "dalian": "大连", "harbin": "哈尔滨", "changchun": "长春", "nanchang": "南昌", "shijiazhuang": "石家庄",
    "taiyuan": "太原", "lanzhou": "兰州", "guiyang": "贵阳", "nanning": "南宁", "haikou": "海口",
    "urumqi": "乌鲁木齐", "lhasa": "拉萨", "yinchuan": "银川", "xining": "西宁", "hohhot": "呼和浩特",
    "shaoguan": "韶关", "qingyang": "庆阳", "wuhu": "芜湖", "zhangjiakou": "张家口", "horinger": "和林格尔",
    "helinger": "和林格尔", "zhongwei": "中卫",
    "china": "中国 国内", "united states": "美国", "us": "美国", "u.s.": "美国", "america": "美国",
    "american": "美国", "white house": "白宫", "national": "全国",
    # places abroad a question may name: a report silent on them does not answer for them (regions.foreign_places)
    "japan": "日本", "japanese": "日本", "south korea": "韩国", "korea": "韩国", "korean": "韩国",
    "european union": "欧盟", "eu": "欧盟", "europe": "欧洲", "european": "欧洲", "germany": "德国",
    "german": "德国", "india": "印度", "indian": "印度", "hungary": "匈牙利", "thailand": "泰国", "vietnam": "越南",
    "brazil": "巴西", "mexico": "墨西哥", "russia": "俄罗斯", "france": "法国", "united kingdom": "英国",
    "uk": "英国", "singapore": "新加坡", "indonesia": "印度尼西亚", "australia": "澳大利亚",
    # compute
    "intelligent computing": "智算 智能算力", "ai computing": "智算 智能算力", "smart computing": "智算",
    "computing power": "算力", "compute": "算力", "computing": "算力", "supercomputing": "超算",
    "general-purpose computing": "通用算力", "general computing": "通用算力", "eflops": "EFLOPS",
    "pflops": "PFLOPS", "data center": "数据中心", "datacenter": "数据中心", "data centre": "数据中心",
    "computing center": "计算中心 智算中心", "hub node": "枢纽节点 国家枢纽节点",
    "east data west computing": "东数西算", "eastern data western computing": "东数西算",
    "computing network": "算力网络", "network": "网络", "latency": "时延", "ipv6": "IPv6",
    "scheduling": "调度", "infrastructure": "基础设施",
    # plans and policy
    "goal": "目标", "plan": "规划 方案 计划",
    "policy": "政策", "document": "文件", "action plan": "行动计划",
    "task force": "特别工作组 工作组", "working group": "工作组", "department": "部门",
    "ministry of industry": "工信部", "miit": "工信部", "ndrc": "发改委 国家发改委", "state council": "国务院",
    "ministry of science": "科技部", "subsidies": "补助 资金补助", "funding": "资金", "loans": "贷款",
    "tax credits": "税收抵免", "technical assistance": "技术援助", "clean energy": "清洁能源", "energy": "能源",
    "department of energy": "能源部", "permits": "许可", "permitting": "许可",
    # report apparatus
    "rating": "评级", "analyst": "分析师", "author": "作者 分析师", "risk": "风险提示 风险",
    "risks": "风险提示 风险", "recommend": "建议关注 推荐", "recommendation": "建议关注 投资建议",
    "recommended": "建议关注", "stocks": "标的", "companies": "公司 标的", "investment": "投资",
    "telecom operators": "电信运营商 运营商", "operators": "运营商", "estimate": "测算 预计",
    "year-on-year": "同比", "growth": "增长 同比", "share": "份额 占比 占", "hub": "枢纽", "region": "地区", "body": "机构 工作组", "global": "全球", "scale": "规模",
    "application": "应用", "benchmark": "标杆", "industry": "行业",
    "report": "报告", "published": "发布", "date": "日期 时间", "2025": "2025年",
    "2026": "2026年", "2030": "2030年", "huawei": "华为", "nvidia": "英伟达", "cambricon": "寒武纪",
    "revenue": "营收 营业收入", "profit": "利润 净利润", "net profit": "净利润", "earnings": "盈利 利润",
    "price": "价格", "target price": "目标价", "stock price": "股价", "share price": "股价", "budget": "预算",
    "market share": "市场份额", "valuation": "估值", "dividend": "分红 股息",
    # industries and measures beyond compute (energy, semiconductors, consumer, banks)
    "additions": "新增", "new": "新增", "installed": "装机", "installations": "装机", "capacity": "装机 产能 规模 容量",
    "built": "建设 建成", "build": "建设 建成", "construction": "建设",
    "photovoltaic": "光伏", "solar": "光伏", "pv": "光伏", "energy storage": "储能 新型储能", "storage": "储能",
    "wind": "风电", "power": "电力", "electricity": "电力 用电量", "sales": "销售额 销量 销售收入",
    "market": "市场", "output": "产量", "production": "产量", "semiconductor": "半导体", "chip": "芯片",
    "wafer": "晶圆 硅片", "foundry": "代工 晶圆代工", "equipment": "设备", "localization": "国产化", "local": "地方",
    "utilization": "产能利用率 利用率", "baijiu": "白酒", "liquor": "白酒", "inventory": "库存",
    "dealers": "经销商", "bank": "银行", "banks": "银行",
    # a bank category, in the short form reports write (城商行) and in full (not "rural commercial bank": it is
    # also a part of banks' own names, Changshu Rural Commercial Bank → 常熟银行)
    "city commercial bank": "城商行 城市商业银行", "city commercial banks": "城商行 城市商业银行",
    "loans": "贷款", "loan": "贷款", "balance": "余额",
    "deposits": "存款", "net interest margin": "净息差", "margin": "息差 利润率", "non-performing": "不良",
    "npl": "不良率", "provision": "拨备", "small and micro": "普惠小微 小微", "inclusive": "普惠",
    "forecast": "预测 预计", "eps": "EPS", "pe": "PE", "p/e": "PE 市盈率", "p/b": "PB 市净率", "pb": "PB",
    "dividend yield": "股息率", "implied": "隐含", "target": "规划 目标",
    "tianfeng": "天风证券", "guolian": "国联证券",
    # words every broker report uses that CC-CEDICT glosses otherwise (new → 新增 is not new-type's 新型;
    # listed → 挂牌 is not 上市; cell → 细胞 is not a battery's 电芯)
    "new-type": "新型", "new type": "新型", "new energy": "新能源", "nev": "新能源汽车", "nevs": "新能源汽车",
    "new energy vehicle": "新能源汽车", "electric vehicle": "新能源汽车 电动车", "listed": "上市",
    "listed companies": "上市公司", "listed banks": "上市银行", "npl ratio": "不良贷款率 不良率",
    "provision coverage": "拨备覆盖率", "penetration": "渗透率", "shipments": "出货 出货量", "shipped": "出货",
    "cell": "电芯 电池", "cells": "电芯 电池", "ex-factory price": "出厂价", "yoy": "同比", "cagr": "复合增速",
    "order backlog": "在手订单", "backlog": "在手订单 未完成订单", "export": "出口", "exports": "出口",
    # each sector's everyday terms, as an analyst asks them in English (CC-CEDICT lacks most: lidar, charging pile)
    "lidar": "激光雷达", "charging pile": "充电桩", "charging piles": "充电桩", "charging station": "充电站 充电桩",
    "charging": "充电", "battery": "电池 动力电池", "batteries": "电池 动力电池", "power battery": "动力电池",
    "autonomous driving": "自动驾驶 智能驾驶", "smart driving": "智能驾驶 智驾", "intelligent driving": "智能驾驶 智驾",
    "plug-in hybrid": "插混 插电式混合动力", "phev": "插混", "bev": "纯电", "battery electric": "纯电",
    "range-extended": "增程", "erev": "增程", "deliveries": "交付 交付量 销量", "delivered": "交付 销量",
    "anti-subsidy": "反补贴", "countervailing": "反补贴", "tariff": "关税", "tariffs": "关税",
    "innovative drug": "创新药", "innovative drugs": "创新药", "class 1": "1类", "approved": "批准 获批",
    "approval": "批准 获批 审批", "approvals": "批准 获批 审批", "clinical trial": "临床试验",
    "clinical trials": "临床试验", "biotech": "生物医药 生物科技", "biopharma": "生物医药", "financing": "融资",
    "licensing": "授权 许可", "out-licensing": "对外授权",
    "medical insurance": "医保", "volume-based procurement": "集采", "centralized procurement": "集采",
    "polysilicon": "多晶硅", "granular silicon": "颗粒硅", "module": "组件", "modules": "组件", "inverter": "逆变器",
    "inverters": "逆变器", "heterojunction": "异质结", "hjt": "HJT 异质结",
    "curtailment": "弃光 弃风 消纳", "grid connection": "并网", "grid-connected": "并网", "grid": "电网",
    "grid-side": "电网侧", "generation-side": "发电侧", "user-side": "用户侧", "distributed": "分布式",
    "utility-scale": "集中式", "ancillary services": "辅助服务", "capacity leasing": "容量租赁",
    "spot market": "现货", "peak-valley": "峰谷", "pumped hydro": "抽水蓄能",
    "wholesale price": "批价 批发价", "banquet": "宴席", "high-end": "高端", "sauce-aroma": "酱香",
    "capex": "资本开支", "capital expenditure": "资本开支", "monthly capacity": "月产能",
    "mature node": "成熟制程", "mature process": "成熟制程", "advanced process": "先进制程",
    "integrated circuit": "集成电路", "integrated circuits": "集成电路", "memory": "存储",
    "fee income": "手续费及佣金 中收", "net interest income": "利息净收入", "deposit": "存款",
    "capital adequacy": "资本充足率", "core tier 1": "核心一级资本充足率", "cet1": "核心一级资本充足率",
    "special mention": "关注类", "full-year": "全年", "full year": "全年", "first quarter": "一季度",
    # the report apparatus's words in English: ratings (CC-CEDICT reads overweight as 超重), per-share and period terms
    "overweight": "增持", "outperform": "强于大市 跑赢大市 增持", "underweight": "减持", "buy rating": "买入",
    "rated buy": "买入", "rate buy": "买入", "rates buy": "买入", "attributable": "归母",
    "net profit attributable": "归母净利润", "attributable net profit": "归母净利润",
    "quarter on quarter": "环比", "quarter-on-quarter": "环比", "qoq": "环比", "month on month": "环比", "mom": "环比",
    "completion rate": "完成率", "vehicle-to-charger ratio": "车桩比", "vehicle to charger ratio": "车桩比",
    "car-to-charger ratio": "车桩比", "above-scale": "规模以上 规上", "above designated size": "规模以上 规上",
    "above-designated-size": "规模以上 规上", "utilisation hours": "利用小时数 利用小时", "utilization hours": "利用小时数 利用小时",
    "fitment rate": "渗透率 搭载率 装配率", "installed capacity": "装机 装机容量", "cumulative installed": "累计装机",
    "led": "领导 牵头", "leads": "领导 牵头",
    "passenger car": "乘用车", "passenger cars": "乘用车", "passenger vehicle": "乘用车",
    "passenger vehicles": "乘用车", "commercial vehicle": "商用车", "commercial vehicles": "商用车",
    "transaction price": "成交价", "average transaction price": "平均成交价", "price war": "价格战",
    "retail": "零售", "wholesale": "批发", "cumulative": "累计", "cumulatively": "累计", "accumulated": "累计",
    "lithium-ion": "锂离子电池 锂离子 锂电", "lithium ion": "锂离子电池 锂离子 锂电", "sodium-ion": "钠离子电池 钠离子",
    "sodium ion": "钠离子电池 钠离子", "flow battery": "液流电池", "flow batteries": "液流电池",
    "compressed air": "压缩空气", "lead-carbon": "铅炭电池 铅炭",
    "localized": "国产化", "localisation": "国产化", "localization rate": "国产化率", "localisation rate": "国产化率",
    "domestic substitution": "国产替代", "lithography": "光刻 光刻设备 光刻机", "etching": "刻蚀", "etch": "刻蚀",
    "thin film deposition": "薄膜沉积", "deposition": "沉积 薄膜沉积", "ion implantation": "离子注入",
    "top three": "前三", "top five": "前五 排名前五", "top ten": "前十",
    **COMPANIES,
}


def _spaced(text: str) -> str:
    """Lower case, a hyphen as a space: "intelligent-computing" is the phrase "intelligent computing" (same length)."""
    return text.lower().replace("-", " ")


_BY_PHRASE = {_spaced(k): v for k, v in EN_ZH.items()}
_PATTERN = re.compile(
    r"(?<![a-z])(" + "|".join(re.escape(k) for k in sorted(_BY_PHRASE, key=len, reverse=True)) + r")(?:s|es)?(?![a-z])"
)


# Chinese name → its English name, where the glossary holds the name whole (新疆 → Xinjiang, 康龙化成 → Pharmaron)
_ZH_EN = {zh.strip(): en for en, zh in reversed(EN_ZH.items()) if " " not in zh.strip()}  # the first one wins


def english_name(zh: str) -> str:
    """The English name the glossary gives a Chinese name, title-cased ("Inner Mongolia"); "" when it has none."""
    en = _ZH_EN.get(zh.strip(), "")
    words = en.split()
    return words[0].upper() if len(words) == 1 and len(en) <= 4 else " ".join(w.capitalize() for w in words)


def en_spans(text: str) -> list[tuple[int, int, str]]:
    """Where `text` holds a glossary phrase: (start, end, its Chinese terms), offsets into `text`."""
    lower = _spaced(text)
    if len(lower) != len(text):  # a few characters change length when lower-cased; offsets would drift
        return []
    return [(m.start(1), m.end(1), _BY_PHRASE[m.group(1)]) for m in _PATTERN.finditer(lower)]


def zh_term_groups(text: str) -> list[list[str]]:
    """For each glossary phrase in `text`, its Chinese alternatives: "intelligent computing" → ["智算", "智能算力"]."""
    return [_BY_PHRASE[m.group(1)].split() for m in _PATTERN.finditer(_spaced(text))]


_COMPANY_PHRASES = {_spaced(k) for k in COMPANIES}


def companies_in(text: str) -> list[str]:
    """The Chinese names of the listed companies an English text names ("SPD Bank" → 浦发银行), in order."""
    found = [_BY_PHRASE[m.group(1)] for m in _PATTERN.finditer(_spaced(text)) if m.group(1) in _COMPANY_PHRASES]
    return list(dict.fromkeys(found))


def report_label(report_id: str) -> str:
    """The broker's Chinese name from a file name like "tianfeng_2024-09-17_…" (through the glossary)."""
    return " ".join(zh_terms(re.sub(r"[_\-.]+", " ", report_id)))


def zh_terms(text: str) -> list[str]:
    """The glossary's Chinese terms for the English phrases in `text` (in order, without repeats)."""
    seen: dict[str, None] = {}
    for group in zh_term_groups(text):
        for term in group:
            seen.setdefault(term)
    return list(seen)


def expand_query(text: str) -> str:
    """The question plus the Chinese terms of its English phrases; Chinese questions pass unchanged."""
    if question_lang(text) == "zh":
        return text
    terms = zh_terms(text)
    return f"{text} {' '.join(terms)}" if terms else text


# Valuation and forecast measures, by the names a broker writes when it gives them. A report that writes none of a
# measure's names does not give it: 目标价 asked of a report without one is a near miss, not a paraphrase.
MEASURES: dict[str, tuple[str, ...]] = {
    "目标价": ("目标价", "target price", "price target"),
    "EPS": ("EPS", "每股收益", "earnings per share"),
    "市盈率": ("PE", "P/E", "市盈率", "price-to-earnings", "price/earnings"),
    "市净率": ("PB", "P/B", "市净率", "price-to-book"),
    "ROE": ("ROE", "净资产收益率", "return on equity"),
    "股息率": ("股息率", "dividend yield"),
    "毛利率": ("毛利率", "gross margin"),
    "净利率": ("净利率", "net margin"),
    "市值": ("市值", "market cap", "market value"),
    "资本开支": ("资本开支", "资本支出", "capex", "capital expenditure"),
    # a stock's rating is written as the rating itself ("中芯国际（增持）") as often as with the word
    "评级": ("评级", "rating", "买入", "增持", "中性", "减持", "卖出", "强于大市", "优于大市", "跑赢行业", "outperform",
           "overweight"),
}


def _name_re(name: str) -> re.Pattern[str]:
    # Latin names as whole words (PE is not the PE of PERC); Chinese ones anywhere
    return re.compile(rf"(?<![a-z]){re.escape(name.lower())}(?![a-z])" if name.isascii() else re.escape(name))


# Words broker reports write for one another: an analyst's 国内 is the report's 中国, 营收 its 营业收入, 增速 its
# 同比增长. Each joins the others' key-term group, as a measure's names do.
SAME_WORDS: list[tuple[str, ...]] = [
    ("国内", "中国", "我国"),
    ("营收", "营业收入"),
    ("增速", "增长率", "增幅", "同比增长"),
    ("比例", "占比", "比重"),
    ("预测", "预计"),  # an analyst asks the 预测 a report writes as 我们预计
    # the market's short names: banks, materials, equipment, products
    ("工行", "工商银行"), ("建行", "建设银行"), ("农行", "农业银行"), ("中行", "中国银行"), ("招行", "招商银行"),
    ("交行", "交通银行"), ("邮储", "邮储银行"), ("硅料", "多晶硅"), ("光刻机", "光刻设备"), ("装备", "设备"),
    ("普五", "第八代五粮液", "普通五粮液"), ("坏账", "不良"),
    # units spelled out in Chinese, written as symbols in the reports (元/Wh, GW)
    ("瓦时", "wh"), ("每瓦时", "/wh"), ("千瓦时", "kwh"), ("每千瓦时", "/kwh"), ("吉瓦", "gw"), ("吉瓦时", "gwh"),
    ("兆瓦", "mw"), ("兆瓦时", "mwh"),
]


def _others(groups) -> dict[str, tuple[str, ...]]:
    """Each word of a group → the group's other words, lower case."""
    return {n.lower(): tuple(m.lower() for m in names if m.lower() != n.lower()) for names in groups for n in names}


_OTHER_NAMES = _others([*MEASURES.values(), *SAME_WORDS])
_SAME = _others(SAME_WORDS)


def same_words(word: str) -> tuple[str, ...]:
    """The other words broker reports write for a word (光刻设备 → 光刻机; 工商银行 → 工行), normalised; not a
    measure's names (a rating's 买入 is no other name of 评级)."""
    return _SAME.get(word, ())


def measure_names(word: str) -> tuple[str, ...]:
    """The other names of the measure a word names, normalised (市净率 → pb, p/b, price-to-book; 营收 → 营业收入);
    () for others."""
    return _OTHER_NAMES.get(word, ())


_MEASURE_RES = {m: [_name_re(n) for n in names] for m, names in MEASURES.items()}


def measures_in(text: str) -> list[str]:
    """The measures `text` names (text normalised: lower case, Simplified)."""
    return list(_measures_in(text))


@lru_cache(maxsize=8192)
def _measures_in(text: str) -> tuple[str, ...]:
    # cached: each question reads its retrieved units (and their reports' whole texts) again
    return tuple(m for m, res in _MEASURE_RES.items() if any(r.search(text) for r in res))

