"""Every fact of shared/seed-facts.md, checked through a query on the built seed graph."""

from __future__ import annotations

from datetime import date

import pytest

from ecosystem_graph.graph import KnowledgeGraph

ID = "https://w3id.org/ecosystem-graph/id/"
SOURCE_TITLE = "Work meetings of Cluster Sofia Knowledge City in the United Kingdom"

# (order, organization id, label, type label, city, themes that must be among the meeting's)
MEETINGS = [
    (1, "future-cities-catapult", "Future Cities Catapult", "Smart-city organization", "London",
     {"Information technologies", "Internet of Things", "Knowledge management", "Citizen focus",
      "Smart cities", "Infrastructure innovation"}),
    (2, "collider-accelerator", "Collider Accelerator", "Business accelerator", "London",
     {"Commercialization of innovation", "Marketing and advertising",
      "Corporate engagement in new businesses", "Innovation ecosystem"}),
    (3, "the-bakery", "The Bakery", "Business accelerator", "London",
     {"Corporate engagement in new businesses", "Reputation building"}),
    (4, "london-and-partners", "London & Partners", "Agency", "London",
     {"Foreign investment attraction", "Talent attraction and retention", "Marketing and advertising",
      "Smart cities"}),
    (5, "nesta", "NESTA", "Foundation", "London",
     {"Smart technology market", "Smart cities", "Social causes and public-benefit innovation"}),
    (6, "opportunity-peterborough", "Opportunity Peterborough", "Business development organization",
     "Peterborough", {"Marketing and advertising", "Smart growth", "Talent attraction and retention",
                      "Smart cities", "Circular economy", "Urban challenges",
                      "Innovation and entrepreneurship"}),
    (7, "living-planit", "Living PlanIT", "Technology company", "London",
     {"Urban operating systems", "Smart cities"}),
    (8, "universal-trustme-engine", "Universal TrustMe Engine", "Technology company", "London",
     {"Blockchain", "Smart contracts"}),
]

THEMES = [
    "smart cities", "Internet of Things", "information technologies", "knowledge management",
    "citizen focus", "infrastructure innovation", "business acceleration",
    "corporate engagement in new businesses", "commercialization of innovation",
    "marketing and advertising", "innovation ecosystem", "reputation building",
    "foreign investment attraction", "talent attraction and retention", "smart technology market",
    "social causes", "business development", "smart growth", "circular economy", "urban challenges",
    "innovation and entrepreneurship", "urban operating systems", "blockchain", "smart contracts",
    "internationalization", "organizational capacity building",
]


def one(kg: KnowledgeGraph, sparql: str) -> list:
    return [tuple(None if t is None else t.toPython() for t in row) for row in kg.query(sparql)]


def test_home_cluster_is_a_cluster_organization_in_sofia_bulgaria(kg: KnowledgeGraph) -> None:
    rows = one(kg, f"""SELECT ?label ?type ?city ?country WHERE {{
        <{ID}organization/kc-sofia> rdfs:label ?label ; org:classification/rdfs:label ?type ;
            schema:location ?c . ?c rdfs:label ?city ; schema:containedInPlace/rdfs:label ?country }}""")
    assert rows == [("Cluster Sofia Knowledge City", "Cluster organization", "Sofia", "Bulgaria")]
    alt = {r[0] for r in one(kg, f"SELECT ?a WHERE {{ <{ID}organization/kc-sofia> skos:altLabel ?a }}")}
    assert "Sofia – Knowledge City" in alt


def test_programme_goals_countries_and_target_types(kg: KnowledgeGraph) -> None:
    programme = f"<{ID}programme/kcs-working-visits>"
    goals = {r[0] for r in one(kg, f"SELECT ?g WHERE {{ {programme} eco:goal ?g }}")}
    assert goals == {"organizational capacity building", "internationalization",
                     "building successful international partnerships"}
    countries = {r[0] for r in one(kg, f"SELECT ?l WHERE {{ {programme} schema:location/rdfs:label ?l }}")}
    assert countries == {"Austria", "Slovenia", "Italy", "United Kingdom"}
    types = {r[0] for r in one(kg, f"SELECT ?l WHERE {{ {programme} eco:targetOrganizationType/rdfs:label ?l }}")}
    assert types == {"Cluster organization", "Research institute", "Business accelerator",
                     "Non-governmental organization", "Agency", "Technology park", "Smart-city organization"}
    # The organizations visited in the other three countries are not named: no meeting is there.
    assert not kg.query("""ASK { ?m a eco:Meeting ; schema:location/schema:containedInPlace ?c .
                                 ?c rdfs:label ?l FILTER (?l != "United Kingdom") }""").askAnswer


def test_cluster_people_and_their_roles(kg: KnowledgeGraph) -> None:
    rows = set(one(kg, f"""SELECT ?name ?role WHERE {{ ?m org:member ?p ; org:role/rdfs:label ?role ;
        org:organization <{ID}organization/kc-sofia> . ?p foaf:name ?name }}"""))
    assert rows == {("Deyan Pushkarov", "Marketing and PR Expert"),
                    ("Adelina Hristova", "Internal Communications Expert")}


def test_uk_visit_dates_cities_and_participants(kg: KnowledgeGraph) -> None:
    [visit] = kg.rows("visits")
    assert (visit["start"], visit["end"]) == (date(2018, 7, 30), date(2018, 8, 3))
    assert visit["cities"] == "London, Peterborough"
    assert visit["participants"] == "Adelina Hristova, Deyan Pushkarov"
    assert visit["meetings"] == 8


def test_follow_up_in_september_2018_for_members(kg: KnowledgeGraph) -> None:
    rows = one(kg, f"""SELECT ?date ?status WHERE {{ ?e a eco:FollowUp ; schema:startDate ?date ;
        schema:eventStatus ?status ; eco:concerns <{ID}visit/uk-2018> }}""")
    assert [(str(d), s) for d, s in rows] == [("2018-09", "https://schema.org/EventScheduled")]


def test_all_eight_meetings_in_source_order(kg: KnowledgeGraph) -> None:
    rows = kg.rows("meetings")
    assert [r["organization"] for r in rows] == [m[2] for m in MEETINGS]
    for row, (_, _, _, _, city, themes) in zip(rows, MEETINGS):
        assert row["city"] == city
        assert themes <= set(row["themes"].split(", "))


@pytest.mark.parametrize("order, key, label, type_label, city, themes", MEETINGS)
def test_each_organization_met_with_type_and_city(kg: KnowledgeGraph, order: int, key: str, label: str,
                                                  type_label: str, city: str, themes: set[str]) -> None:
    rows = one(kg, f"""SELECT ?label ?type ?city ?order WHERE {{
        <{ID}organization/{key}> rdfs:label ?label ; org:classification/rdfs:label ?type ;
            schema:location/rdfs:label ?city .
        ?m eco:metOrganization <{ID}organization/{key}> ; eco:reportOrder ?order }}""")
    assert rows == [(label, type_label, city, order)]


def test_only_opportunity_peterborough_is_stated_in_peterborough_others_inferred_london(kg: KnowledgeGraph) -> None:
    rows = {r[0]: r[1] for r in one(kg, """SELECT ?label ?inferred WHERE {
        ?m eco:metOrganization ?o . ?o rdfs:label ?label ; schema:location ?city .
        BIND (EXISTS { ?s rdf:subject ?o ; rdf:predicate schema:location ; rdf:object ?city ;
                       eco:inferred true } AS ?inferred) }""")}
    assert rows.pop("Opportunity Peterborough") is False
    assert rows and all(rows.values())


def test_meeting_days_only_where_stated(kg: KnowledgeGraph) -> None:
    dated = {r["organization"]: r["date"] for r in kg.rows("meetings") if r["date"]}
    assert dated == {"Living PlanIT": date(2018, 8, 3), "Universal TrustMe Engine": date(2018, 8, 3)}
    same_day = one(kg, f"SELECT ?o WHERE {{ <{ID}meeting/uk-2018-nesta> eco:sameDayAs ?o }}")
    assert same_day == [(f"{ID}meeting/uk-2018-london-and-partners",)]


def test_assessments_of_meetings(kg: KnowledgeGraph) -> None:
    rows = dict(one(kg, "SELECT ?l ?a WHERE { ?m eco:metOrganization/rdfs:label ?l ; eco:assessment ?a }"))
    assert rows == {"Future Cities Catapult": "very beneficial",
                    "London & Partners": "of great importance for the cluster"}


def test_collider_described_as_top_seed_accelerator(kg: KnowledgeGraph) -> None:
    [(text,)] = one(kg, f"SELECT ?d WHERE {{ <{ID}organization/collider-accelerator> dct:description ?d }}")
    assert "one of the five top seed accelerators in Europe" in text


def test_london_tech_week_and_its_attendance(kg: KnowledgeGraph) -> None:
    rows = one(kg, f"""SELECT ?n ?org WHERE {{ <{ID}event/london-tech-week> eco:attendeesAtLeast ?n .
        ?m eco:presented <{ID}event/london-tech-week> ; eco:metOrganization/rdfs:label ?org }}""")
    assert rows == [(55000, "London & Partners")]


def test_london_and_partners_promotes_the_mayor_of_london(kg: KnowledgeGraph) -> None:
    partners = kg.rows("partners", organization="London & Partners")
    assert {"partner": f"{ID}organization/mayor-of-london", "label": "Mayor of London", "shared_projects": 0,
            "first_year": None, "last_year": None, "projects": "", "relations": "promotes work of"} in partners
    mayor = {r["label"]: r["relations"] for r in kg.rows("partners", organization="Mayor of London")}
    assert mayor == {"London & Partners": "inverse of promotes work of"}


def test_products_trustme_and_uos(kg: KnowledgeGraph) -> None:
    rows = set(one(kg, "SELECT ?p ?maker WHERE { ?x a eco:Product ; rdfs:label ?p ; schema:manufacturer/rdfs:label ?maker }"))
    assert rows == {("TrustMe™", "Universal TrustMe Engine"), ("UOS (urban operating system)", "Living PlanIT")}


def test_possible_partnerships(kg: KnowledgeGraph) -> None:
    peterborough = {r["label"]: r["relations"] for r in kg.rows("partners", organization="Opportunity Peterborough")}
    assert peterborough["Peterborough City Council"] == "partnership (possible)"
    # One row per partner: the partnership and the meeting are both in its relations.
    catapult = kg.rows("partners", organization="Future Cities Catapult")
    assert [r["label"] for r in catapult] == ["Cluster Sofia Knowledge City"]
    assert catapult[0]["relations"] == "partnership (possible); was visited by"
    assert catapult[0]["shared_projects"] == 0 and catapult[0]["projects"] == ""


def test_every_named_theme_is_in_the_taxonomy(kg: KnowledgeGraph) -> None:
    for theme in THEMES:
        assert kg.resolve("theme", theme), theme


def test_theme_hierarchy_examples(kg: KnowledgeGraph) -> None:
    ask = "ASK {{ <{}theme/{}> skos:broader+ <{}theme/{}> }}"
    for narrow, broad in (("smart-contracts", "blockchain"), ("internet-of-things", "smart-cities"),
                          ("urban-operating-systems", "smart-cities")):
        assert kg.query(ask.format(ID, narrow, ID, broad)).askAnswer, (narrow, broad)


def test_places_carry_geonames_ids_and_coordinates(kg: KnowledgeGraph) -> None:
    rows = {r[0]: r[1:] for r in one(kg, """SELECT ?l ?g ?lat ?long WHERE {
        ?p a ?t ; rdfs:label ?l ; eco:geonamesId ?g ; geo:lat ?lat ; geo:long ?long
        VALUES ?t { schema:City schema:Country } }""")}
    assert rows["London"][0] == "2643743"
    assert abs(float(rows["Peterborough"][1]) - 52.57) < 0.01
    assert rows["Sofia"][0] == "727011"
    assert set(rows) == {"Sofia", "London", "Peterborough", "Bulgaria", "United Kingdom", "Austria",
                         "Slovenia", "Italy"}


def test_every_entity_is_traceable_to_its_source(kg: KnowledgeGraph) -> None:
    untraced = one(kg, """SELECT ?s WHERE { ?s dct:identifier ?id ; a ?t .
        VALUES ?t { org:Organization foaf:Person eco:Meeting eco:WorkingVisit schema:Event eco:Partnership
                    eco:Product schema:City schema:Country eco:Theme eco:VisitProgramme }
        FILTER NOT EXISTS { ?s prov:wasDerivedFrom ?src } }""")
    assert untraced == []
    provenance = kg.rows("provenance", entity="Opportunity Peterborough")
    assert provenance and {r["title"] for r in provenance} == {SOURCE_TITLE}


def test_source_document_is_recorded(kg: KnowledgeGraph) -> None:
    rows = one(kg, f"""SELECT ?title ?publisher WHERE {{ <{ID}source/kcs-news-uk-2018> dct:title ?title ;
        dct:publisher/rdfs:label ?publisher }}""")
    assert rows == [(SOURCE_TITLE, "Cluster Sofia Knowledge City")]
