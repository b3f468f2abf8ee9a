"""The one region source: provinces and cities (jionlp's divisions) and places abroad (jionlp's world dictionary)."""

from assistant.answer.evidence import must_terms
from assistant.targets.regions import foreign_places, regions_in, spelled_provinces


def test_places_abroad_are_read_by_country_bloc_and_english_name():
    assert foreign_places("2023年日本半导体设备销售额是多少？") == ["日本"]
    assert foreign_places("2022年欧盟在全球算力规模中的份额") == ["欧盟"]
    assert foreign_places("印度尼西亚和印度的工厂") == ["印度尼西亚", "印度"]  # the longer name first, each once
    assert foreign_places("What share came from Japanese customers?") == ["日本"]


def test_a_place_abroad_is_a_word_of_its_own_not_part_of_a_region_or_another_word():
    assert foreign_places("内蒙古自治区的目标") == []  # 蒙古 of 内蒙古
    assert foreign_places("准入也门槛更高") == []  # 也门 torn across 也 / 门槛
    assert foreign_places("中美智算竞争") == []  # no country named in full
    assert regions_in("日本东京") == []  # abroad is not among China's divisions


def test_a_place_abroad_asked_must_be_named_by_the_answer():
    assert must_terms("康龙化成2023年来自美国客户的收入占比是多少？") == ["美国", "2023"]
    assert must_terms("比亚迪匈牙利工厂的产能？") == ["匈牙利"]


def test_regions_of_the_world_count_as_places_abroad_but_not_inside_another_word():
    assert foreign_places("欧洲占31.5%，东南亚占22.8%，中东占14.6%，出口北美") == ["欧洲", "东南亚", "中东", "北美"]
    assert foreign_places("中东部省份的分布式光伏") == []  # 中东部: central and eastern China
    assert foreign_places("美国商务部宣布") == ["美国"]


def test_provinces_counted_by_their_one_character_names_are_spelled_out():
    assert spelled_provinces("晋、皖、苏三省的白酒产业目标加起来多少？") == "山西、安徽、江苏三省的白酒产业目标加起来多少？"
    assert spelled_provinces("粤鲁两省的普惠小微贷款目标") == "广东、山东两省的普惠小微贷款目标"
    assert spelled_provinces("川渝两地的光伏装机") == "四川、重庆两地的光伏装机"
    # no count, a count that does not number the run, a place, or a word that is no list of provinces: kept
    for kept in ("京津冀的算力枢纽", "粤鲁三省", "辽宁省的目标", "北京、浙江、安徽三地", "云计算三地", "苏州三地"):
        assert spelled_provinces(kept) == kept
