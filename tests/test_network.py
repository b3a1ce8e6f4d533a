"""The networkx projections of the seed graph: entities, partners, organization-theme, contacts."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from ecosystem_graph.graph import KnowledgeGraph
from ecosystem_graph.kinds import NODE_KINDS
from ecosystem_graph.network import contact_graph, entity_graph, organization_theme_graph, partner_network

ORGANIZATIONS = {
    "kc-sofia": "Cluster Sofia Knowledge City",
    "future-cities-catapult": "Future Cities Catapult",
    "collider-accelerator": "Collider Accelerator",
    "the-bakery": "The Bakery",
    "london-and-partners": "London & Partners",
    "nesta": "NESTA",
    "opportunity-peterborough": "Opportunity Peterborough",
    "living-planit": "Living PlanIT",
    "universal-trustme-engine": "Universal TrustMe Engine",
    "mayor-of-london": "Mayor of London",
    "peterborough-city-council": "Peterborough City Council",
}
MET = [o for o in ORGANIZATIONS if o not in ("kc-sofia", "mayor-of-london", "peterborough-city-council")]


@pytest.fixture(scope="module")
def G(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    return entity_graph(kg)


def iri(kg: KnowledgeGraph, path: str) -> str:
    return kg.base_iri + path


def of_kind(G: nx.Graph, kind: str) -> dict[str, str]:
    return {d["id"]: d["label"] for _, d in G.nodes(data=True) if d["kind"] == kind}


def test_entity_graph_holds_the_organizations_and_meetings_with_their_kinds(G) -> None:
    assert of_kind(G, "organization") == ORGANIZATIONS
    meetings = of_kind(G, "meeting")
    assert len(meetings) == 8
    assert meetings["uk-2018-nesta"] == "Meeting with NESTA"
    assert {d["kind"] for _, d in G.nodes(data=True)} <= {k.name for k in NODE_KINDS}
    assert G.nodes[next(n for n, d in G.nodes(data=True) if d["kind"] == "organization-type")][
        "kind_label"] == "Organization type"


def test_entity_graph_leaves_out_memberships_roles_statements_and_sources(G) -> None:
    paths = {n.split("/id/")[1].split("/")[0] for n in G}
    assert not paths & {"membership", "role", "statement", "dataset", "source"}


def test_node_attributes_are_plain_json(G, kg) -> None:
    visit = G.nodes[iri(kg, "visit/uk-2018")]
    assert (visit["date"], visit["end_date"]) == ("2018-07-30", "2018-08-03")
    assert visit["sources"] == ["Work meetings of Cluster Sofia Knowledge City in the United Kingdom"]
    json.dumps(dict(G.nodes(data=True)))  # the views serialise nodes as they are


def test_facts_use_labels_and_people_get_their_role(G, kg) -> None:
    bakery = G.nodes[iri(kg, "organization/the-bakery")]
    assert "type: Business accelerator" in bakery["facts"]
    assert "city: London" in bakery["facts"]
    deyan = G.nodes[iri(kg, "person/deyan-pushkarov")]
    assert "role: Marketing and PR Expert" in deyan["facts"]
    assert not any("https://" in fact for fact in bakery["facts"] + deyan["facts"])


def test_edges_carry_relations_and_the_inferred_london_location_of_nesta(G, kg) -> None:
    nesta, london = iri(kg, "organization/nesta"), iri(kg, "place/london")
    edge = G.edges[nesta, london, "https://schema.org/location"]
    assert edge["relation"] == "location" and edge["inferred"] is True
    assert "city: London" in G.nodes[nesta]["inferred"]
    met = G.edges[iri(kg, "meeting/uk-2018-nesta"), nesta, "https://w3id.org/ecosystem-graph/ontology#metOrganization"]
    assert met == {"relation": "met organization", "inferred": False,
                   "predicate": "https://w3id.org/ecosystem-graph/ontology#metOrganization"}
    # Opportunity Peterborough's city is stated, not inferred.
    op = iri(kg, "organization/opportunity-peterborough")
    assert G.edges[op, iri(kg, "place/peterborough"), "https://schema.org/location"]["inferred"] is False


def test_memberships_become_member_of_edges_with_the_role(G, kg) -> None:
    edge = G.edges[iri(kg, "person/adelina-hristova"), iri(kg, "organization/kc-sofia"),
                   "http://www.w3.org/ns/org#memberOf"]
    assert edge["relation"] == "member of" and edge["role"] == "Internal Communications Expert"


def test_inverse_and_type_edges_are_skipped(G) -> None:
    predicates = {k for _, _, k in G.edges(keys=True)}
    assert "http://www.w3.org/2004/02/skos/core#broader" in predicates
    assert not predicates & {"http://www.w3.org/2004/02/skos/core#narrower", "https://schema.org/subEvent",
                             "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                             "http://www.w3.org/ns/prov#wasDerivedFrom"}


def test_sources_become_nodes_only_when_asked(kg) -> None:
    S = entity_graph(kg, include_sources=True)
    source = iri(kg, "source/kcs-news-uk-2018")
    assert S.nodes[source]["kind"] == "source"
    assert S.has_edge(iri(kg, "organization/nesta"), source, "http://www.w3.org/ns/prov#wasDerivedFrom")


def test_partner_network_links_the_cluster_to_each_organization_met(G, kg) -> None:
    P = partner_network(G)
    sofia = iri(kg, "organization/kc-sofia")
    assert set(P[sofia]) == {iri(kg, f"organization/{o}") for o in MET}
    catapult = P.edges[sofia, iri(kg, "organization/future-cities-catapult")]
    assert catapult["weight"] == 2  # the meeting and the possible partnership
    assert [v["kind"] for v in catapult["via"]] == ["meeting", "partnership"]


def test_partner_network_links_partners_and_relations(G, kg) -> None:
    P = partner_network(G)
    edge = P.edges[iri(kg, "organization/opportunity-peterborough"), iri(kg, "organization/peterborough-city-council")]
    assert edge["via"][0]["kind"] == "partnership"
    relation = P.edges[iri(kg, "organization/london-and-partners"), iri(kg, "organization/mayor-of-london")]
    assert relation["via"][0]["label"] == "promotes work of"
    assert P.number_of_nodes() == 11
    # Organizations only met on the same trip are not partners of each other.
    assert not P.has_edge(iri(kg, "organization/nesta"), iri(kg, "organization/the-bakery"))


def test_partner_network_accepts_the_knowledge_graph_too(kg, G) -> None:
    assert sorted(partner_network(kg).edges) == sorted(partner_network(G).edges)


def test_organization_theme_graph_is_bipartite_and_climbs_the_taxonomy(G, kg) -> None:
    T = organization_theme_graph(G)
    assert nx.is_bipartite(T)
    assert {d["bipartite"] for _, d in T.nodes(data=True)} == {0, 1}
    fcc = iri(kg, "organization/future-cities-catapult")
    assert T.edges[fcc, iri(kg, "theme/internet-of-things")]["direct"] is True
    trustme = iri(kg, "organization/universal-trustme-engine")
    blockchain = T.edges[trustme, iri(kg, "theme/blockchain")]
    assert blockchain["direct"] is True and {v["kind"] for v in blockchain["via"]} == {"meeting", "product"}
    assert T.edges[trustme, iri(kg, "theme/information-technologies")]["direct"] is False
    # The themes of a meeting belong to the organization met, not to the visiting cluster.
    assert not T.has_edge(iri(kg, "organization/kc-sofia"), iri(kg, "theme/blockchain"))


def test_contact_graph_links_people_to_organizations_met_and_their_own(G, kg) -> None:
    C = contact_graph(G)
    deyan = iri(kg, "person/deyan-pushkarov")
    assert {C.nodes[n]["label"] for n in C[deyan]} == set(ORGANIZATIONS[o] for o in [*MET, "kc-sofia"])
    met = C.edges[deyan, iri(kg, "organization/living-planit")]
    assert met["relation"] == "met" and met["via"][0]["label"] == "Meeting with Living PlanIT"
    assert met["inferred"] is True  # attendance at meetings is inherited from the visit
    assert C.edges[deyan, iri(kg, "organization/kc-sofia")]["relation"] == "member of"
