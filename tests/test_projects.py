"""Projects and participations (issue 15, part 3): records, triples, shapes, the partner network and
the partners query, on a copy of the seed data with two projects and five participations added."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, XSD

from ecosystem_graph import open_graph
from ecosystem_graph.errors import RecordError
from ecosystem_graph.graph import KnowledgeGraph
from ecosystem_graph.namespaces import DEFAULT_BASE_IRI, ECO, FRAPO, SCHEMA
from ecosystem_graph.network import partner_network
from ecosystem_graph.ontology import load_ontology, shapes_graph
from ecosystem_graph.records import load_records
from ecosystem_graph.triples import records_to_graph

ROOT = Path(__file__).resolve().parents[1]
ID = DEFAULT_BASE_IRI
FCC, NESTA, PLANIT = (URIRef(f"{ID}organization/{o}") for o in ("future-cities-catapult", "nesta", "living-planit"))
SCL, TRUST = URIRef(f"{ID}project/smart-city-lab"), URIRef(f"{ID}project/trust-chain")

PROJECTS = [
    {"id": "trust-chain", "label": "Trust Chain", "acronym": "TC", "start": "2020-03-01", "status": "ongoing",
     "themes": "blockchain", "source": "kcs-news-uk-2018"},
    {"id": "smart-city-lab", "label": "Smart City Lab", "acronym": "SCL", "title": "Smart city living labs",
     "programme": "H2020-EU.3.5.2", "call": "H2020-SCC-2016", "start": "2017-01-01", "end": "2019-12-31",
     "status": "closed", "budget": "1500000", "funding": "1200000.5", "themes": "smart-cities",
     "identifiers": "cordis:730000", "source": "kcs-news-uk-2018"},
]
PARTICIPATIONS = [
    {"project": "smart-city-lab", "organization": "future-cities-catapult", "role": "coordinator", "funding": "500000"},
    {"project": "smart-city-lab", "organization": "nesta", "role": "participant", "funding": "400000"},
    {"project": "smart-city-lab", "organization": "living-planit", "role": "third-party"},
    {"project": "trust-chain", "organization": "future-cities-catapult", "role": "coordinator"},
    {"project": "trust-chain", "organization": "nesta", "role": "partner", "start": "2020-06-01", "end": "2021-05-31"},
]
ORGANIZATION_EXTRAS = {
    "nesta": {"identifiers": "ror:013tmk464|wikidata:Q6953316|vat:GB123456789|pic:999854661",
              "street": "58 Victoria Embankment", "postal_code": "EC4Y 0DS", "x_note": "checked in CORDIS"},
    "future-cities-catapult": {"themes": "smart-cities|internet-of-things"},
}


def write_csv(path: Path, rows: list[dict[str, str]], extra: list[str] | None = None) -> None:
    """Write ``rows`` (adding ``extra`` columns), keeping the order of the columns first seen."""
    names: list[str] = []
    for row in rows:
        names += [k for k in row if k not in names]
    names += [k for k in extra or [] if k not in names]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, names, restval="")
        writer.writeheader()
        writer.writerows(rows)
    assert path.read_text(encoding="utf-8")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def make_project_data(target: Path) -> Path:
    """The seed data plus the projects, participations, identifiers, an address, an organization's own
    themes, a place without coordinates and an ``x_`` column."""
    shutil.copytree(ROOT / "data", target)
    write_csv(target / "projects.csv", PROJECTS)
    write_csv(target / "participations.csv", [{**p, "source": "kcs-news-uk-2018"} for p in PARTICIPATIONS])
    organizations = read_csv(target / "organizations.csv")
    for row in organizations:
        row.update(ORGANIZATION_EXTRAS.get(row["id"], {}))
    write_csv(target / "organizations.csv", organizations, ["identifiers", "themes", "street", "postal_code", "x_note"])
    places = read_csv(target / "places.csv")
    places.append({"id": "cambridge", "label": "Cambridge", "kind": "city", "country": "united-kingdom",
                   "source": "kcs-news-uk-2018"})
    write_csv(target / "places.csv", places)
    return target


@pytest.fixture(scope="module")
def project_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project_data(tmp_path_factory.mktemp("projects") / "data")


@pytest.fixture(scope="module")
def graph(project_data: Path) -> Graph:
    return records_to_graph(load_records(project_data))


@pytest.fixture(scope="module", params=["memory", "oxigraph"])
def pkg(request: pytest.FixtureRequest, project_data: Path, tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    return open_graph(project_data, tmp_path_factory.mktemp("build") / "build", store=request.param, rebuild=True)


# -- records ------------------------------------------------------------------------------------


def test_the_fixture_loads_with_an_extra_column_and_a_place_without_coordinates(project_data: Path) -> None:
    records = load_records(project_data)
    assert [r.key for r in records.all("projects")] == ["trust-chain", "smart-city-lab"]
    assert len(records.all("participations")) == 5
    nesta = records.get("organizations", "nesta")
    assert "x_note" not in nesta.values  # kept in the file, ignored by the build
    assert "x_note" in (project_data / "organizations.csv").read_text(encoding="utf-8").splitlines()[0]
    cambridge = records.get("places", "cambridge")
    assert cambridge.get("latitude") is None and cambridge.get("geonames_id") is None


def _problems(data: Path) -> list[str]:
    with pytest.raises(RecordError) as caught:
        load_records(data)
    return [f"{p.file}:{p.line} {p.field}: expected {p.expected}, found {p.found}" for p in caught.value.problems]


def test_one_coordinate_alone_is_refused(project_data: Path, tmp_path: Path) -> None:
    data = shutil.copytree(project_data, tmp_path / "data")
    places = read_csv(data / "places.csv")
    places[-1]["latitude"] = "52.2"
    write_csv(data / "places.csv", places)
    [problem] = _problems(data)
    assert "places.csv" in problem and " longitude: expected a longitude with the latitude" in problem


def test_wrong_identifiers_and_roles_are_refused(project_data: Path, tmp_path: Path) -> None:
    data = shutil.copytree(project_data, tmp_path / "data")
    organizations = read_csv(data / "organizations.csv")
    organizations[0]["identifiers"] = "ror:not-a-ror|wikidata 5"
    write_csv(data / "organizations.csv", organizations)
    participations = read_csv(data / "participations.csv")
    participations[0]["role"] = "leader"
    participations[1]["project"] = "no-such-project"
    write_csv(data / "participations.csv", participations)
    problems = _problems(data)
    assert any("identifiers: expected an identifier as scheme:value" in p and "wikidata 5" in p for p in problems)
    assert any("identifiers: expected an identifier as scheme:value" in p and "'ror:not-a-ror'" in p
               for p in problems)
    assert any("participations.csv:2 role: expected one of coordinator, participant" in p for p in problems)
    assert any("participations.csv:3 project: expected an id from projects.csv, found 'no-such-project'" in p
               for p in problems)


def test_an_unknown_column_still_needs_the_x_prefix(project_data: Path, tmp_path: Path) -> None:
    data = shutil.copytree(project_data, tmp_path / "data")
    projects = read_csv(data / "projects.csv")
    write_csv(data / "projects.csv", [{**p, "note": "?"} for p in projects])
    [problem] = _problems(data)
    assert "projects.csv:1" in problem and "unknown column 'note'" in problem and "x_..." in problem


def test_a_project_ending_before_it_starts_is_refused(project_data: Path, tmp_path: Path) -> None:
    data = shutil.copytree(project_data, tmp_path / "data")
    projects = read_csv(data / "projects.csv")
    projects[1]["end"] = "2016-12-31"
    write_csv(data / "projects.csv", projects)
    [problem] = _problems(data)
    assert "projects.csv:3 end: expected a date on or after start (2017-01-01), found '2016-12-31'" in problem


# -- triples ------------------------------------------------------------------------------------


def test_participations_and_the_shortcut(graph: Graph) -> None:
    participation = URIRef(f"{ID}participation/smart-city-lab--nesta")
    assert (participation, RDF.type, ECO.Participation) in graph
    assert (participation, ECO.participant, NESTA) in graph
    assert (participation, ECO.inProject, SCL) in graph
    assert (participation, ECO.participationRole, ECO.Participant) in graph
    assert graph.value(participation, ECO.funderContribution) == Literal("400000.00", datatype=XSD.decimal)
    assert set(graph.objects(NESTA, ECO.participatesIn)) == {SCL, TRUST}
    assert set(graph.subjects(ECO.participatesIn, SCL)) == {FCC, NESTA, PLANIT}
    assert graph.value(URIRef(f"{ID}participation/trust-chain--nesta"), ECO.participationRole) == ECO.Partner


def test_project_triples(graph: Graph) -> None:
    assert (SCL, RDF.type, SCHEMA.ResearchProject) in graph
    assert graph.value(SCL, SCHEMA.startDate) == Literal("2017-01-01", datatype=XSD.date)
    assert graph.value(SCL, FRAPO.hasAcronym) == Literal("SCL")
    assert graph.value(SCL, FRAPO.hasCallIdentifier) == Literal("H2020-SCC-2016")
    assert graph.value(SCL, ECO.projectStatus) == ECO.Closed
    assert graph.value(SCL, ECO.budget) == Literal("1500000.00", datatype=XSD.decimal)
    assert graph.value(SCL, ECO.funderContribution) == Literal("1200000.50", datatype=XSD.decimal)
    assert graph.value(SCL, SCHEMA.about) == URIRef(f"{ID}theme/smart-cities")
    assert graph.value(SCL, SCHEMA.identifier) == Literal("cordis:730000")
    assert graph.value(TRUST, SCHEMA.endDate) is None


def test_identifiers_address_and_own_themes(graph: Graph) -> None:
    assert set(graph.objects(NESTA, SCHEMA.identifier)) == {
        Literal(t) for t in ("ror:013tmk464", "wikidata:Q6953316", "vat:GB123456789", "pic:999854661")}
    assert set(graph.objects(NESTA, OWL.sameAs)) == {URIRef("https://ror.org/013tmk464"),
                                                     URIRef("http://www.wikidata.org/entity/Q6953316")}
    assert graph.value(NESTA, SCHEMA.vatID) == Literal("GB123456789")
    address = URIRef(f"{NESTA}/address")
    assert graph.value(NESTA, SCHEMA.address) == address
    assert (address, RDF.type, SCHEMA.PostalAddress) in graph
    assert graph.value(address, SCHEMA.postalCode) == Literal("EC4Y 0DS")
    assert graph.value(address, SCHEMA.streetAddress) == Literal("58 Victoria Embankment")
    assert set(graph.objects(FCC, SCHEMA.knowsAbout)) == {URIRef(f"{ID}theme/smart-cities"),
                                                          URIRef(f"{ID}theme/internet-of-things")}


def test_a_place_without_coordinates_is_marked(graph: Graph) -> None:
    cambridge = URIRef(f"{ID}place/cambridge")
    assert graph.value(cambridge, ECO.coordinatesUnknown) == Literal(True)
    assert graph.value(cambridge, URIRef("http://www.w3.org/2003/01/geo/wgs84_pos#lat")) is None
    assert graph.value(cambridge, OWL.sameAs) is None


def test_the_build_is_deterministic(project_data: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        open_graph(project_data, out, rebuild=True)
    assert (first / "ecosystem.ttl").read_bytes() == (second / "ecosystem.ttl").read_bytes()
    assert "_:" not in (first / "ecosystem.ttl").read_text(encoding="utf-8").split("ontology>")[0]


# -- shapes -------------------------------------------------------------------------------------


def _violations(graph: Graph) -> list[tuple[str, str, str]]:
    import pyshacl
    from rdflib.namespace import SH

    data = load_ontology()
    data += graph
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes_graph(), inference="none", advanced=True)
    return sorted((str(results.value(r, SH.focusNode)), str(results.value(r, SH.resultPath)),
                   str(results.value(r, SH.resultMessage))) for r in results.subjects(RDF.type, SH.ValidationResult))


def test_the_fixture_graph_conforms(graph: Graph) -> None:
    assert _violations(graph) == []


def test_a_participation_without_a_project_is_a_violation(graph: Graph) -> None:
    broken = Graph()
    broken += graph
    participation = URIRef(f"{ID}participation/smart-city-lab--nesta")
    broken.remove((participation, ECO.inProject, None))
    found = _violations(broken)
    assert (str(participation), str(ECO.inProject),
            "A participation must be in exactly one project (eco:inProject) from projects.csv.") in found


def test_a_wrong_role_and_reversed_dates_are_violations(graph: Graph) -> None:
    broken = Graph()
    broken += graph
    participation = URIRef(f"{ID}participation/smart-city-lab--nesta")
    broken.set((participation, ECO.participationRole, ECO.Possible))
    broken.set((SCL, SCHEMA.endDate, Literal("2016-01-01", datatype=XSD.date)))
    found = {(focus, path) for focus, path, _ in _violations(broken)}
    assert (str(participation), str(ECO.participationRole)) in found
    assert (str(SCL), str(SCHEMA.startDate)) in found


def test_a_place_with_one_coordinate_is_a_violation(graph: Graph) -> None:
    broken = Graph()
    broken += graph
    london = URIRef(f"{ID}place/london")
    broken.remove((london, URIRef("http://www.w3.org/2003/01/geo/wgs84_pos#long"), None))
    found = _violations(broken)
    assert any(focus == str(london) and "must have a latitude and a longitude" in message
               for focus, _, message in found)


def test_the_sampled_check_sees_the_new_kinds(project_data: Path, tmp_path: Path) -> None:
    from ecosystem_graph.sampled_shapes import check_sampled
    from ecosystem_graph.stores.oxigraph import OxigraphStore

    open_graph(project_data, tmp_path / "b", rebuild=True)
    store = OxigraphStore()
    store.load_file(tmp_path / "b" / "ecosystem.ttl")
    violations, report = check_sampled(store, shapes_graph(), per_target=50)
    assert violations == [] and report["shacl"]["graph_wide_rules"] == 8
    participation = URIRef(f"{ID}participation/trust-chain--nesta")
    store.update(f"DELETE DATA {{ {participation.n3()} {ECO.inProject.n3()} {TRUST.n3()} }}")
    violations, _ = check_sampled(store, shapes_graph(), per_target=50)
    paths = [v.path for v in violations if "trust-chain--nesta" in v.focus]
    assert len(paths) == 1 and "inProject" in paths[0]


# -- the partner network and the partners query -------------------------------------------------


def test_two_organizations_sharing_two_projects_are_partners_of_weight_two(pkg: KnowledgeGraph) -> None:
    P = partner_network(pkg)
    edge = P.edges[str(FCC), str(NESTA)]
    assert edge["shared_projects"] == 2
    assert [p["label"] for p in edge["projects"]] == ["Smart City Lab", "Trust Chain"]
    assert edge["weight"] == 2
    planit = P.edges[str(PLANIT), str(NESTA)]
    assert planit["shared_projects"] == 1 and planit["weight"] == 1
    # Links of the seed stay, and add up with shared projects.
    sofia = P.edges[f"{ID}organization/kc-sofia", str(FCC)]
    assert sofia["shared_projects"] == 0 and sofia["weight"] == 2


def test_partners_query_counts_projects_and_years(pkg: KnowledgeGraph) -> None:
    rows = pkg.rows("partners", organization="Future Cities Catapult")
    assert [r["label"] for r in rows] == ["NESTA", "Living PlanIT", "Cluster Sofia Knowledge City"]
    nesta, planit, sofia = rows
    assert (nesta["shared_projects"], nesta["first_year"], nesta["last_year"]) == (2, 2017, 2020)
    assert nesta["projects"] == "Smart City Lab; Trust Chain" and nesta["relations"] == ""
    assert (planit["shared_projects"], planit["first_year"], planit["projects"]) == (1, 2017, "Smart City Lab")
    assert sofia["shared_projects"] == 0 and sofia["projects"] == ""
    assert sofia["relations"] == "partnership (possible); was visited by"


def test_a_consortium_of_160_makes_every_pair_once() -> None:
    import networkx as nx

    G = nx.MultiDiGraph()
    members = [f"o{i:03}" for i in range(160)]
    G.add_nodes_from((m, {"kind": "organization", "label": m}) for m in members)
    G.add_nodes_from((p, {"kind": "project", "label": p}) for p in ("p1", "p2"))
    joins = str(ECO.participatesIn)
    G.add_edges_from((m, p, joins, {"predicate": joins, "relation": "participates in"})
                     for m in members for p in ("p1", "p2"))
    P = partner_network(G)
    assert P.number_of_edges() == 160 * 159 // 2
    assert {d["weight"] for _, _, d in P.edges(data=True)} == {2}


def test_the_shortcut_must_mirror_each_participation(graph: Graph) -> None:
    broken = Graph()
    broken += graph
    broken.remove((PLANIT, ECO.participatesIn, SCL))
    found = _violations(broken)
    assert any(path == str(ECO.participatesIn) and "smart-city-lab--living-planit" in message
               for _, path, message in found)


def test_organizations_reach_the_themes_of_their_projects_and_their_own(pkg: KnowledgeGraph) -> None:
    from ecosystem_graph.network import organization_theme_graph

    T = organization_theme_graph(pkg)
    blockchain, smart = f"{ID}theme/blockchain", f"{ID}theme/smart-cities"
    assert [v["label"] for v in T.edges[str(NESTA), blockchain]["via"]] == ["Trust Chain"]
    assert "Future Cities Catapult" in [v["label"] for v in T.edges[str(FCC), smart]["via"]]
    assert T.edges[str(FCC), f"{ID}theme/internet-of-things"]["direct"]


def test_the_streamed_triples_are_the_same(project_data: Path, graph: Graph) -> None:
    from ecosystem_graph.triples import ntriples_chunks

    streamed = Graph().parse(data=b"".join(ntriples_chunks(load_records(project_data))).decode(), format="nt")
    assert set(streamed) == set(graph)
