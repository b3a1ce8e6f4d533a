"""Tests for ontology/ecosystem.ttl and ontology/shapes.ttl.

The sample graph follows docs/data-model.md; like the build, it is validated with the ontology
merged into the data graph and pySHACL's inference="none".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_DIR = ROOT / "ontology"
DATA_MODEL = ROOT / "docs" / "data-model.md"

ECO = Namespace("https://w3id.org/ecosystem-graph/ontology#")
ONTOLOGY_IRI = URIRef("https://w3id.org/ecosystem-graph/ontology")
SH = Namespace("http://www.w3.org/ns/shacl#")
SCHEMA = Namespace("https://schema.org/")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
ID = Namespace("https://w3id.org/ecosystem-graph/id/")
# Not rdflib's XSD: pytest's collection probes module attributes and that closed namespace warns.
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")

PREFIXES = {
    "eco": str(ECO),
    "org": "http://www.w3.org/ns/org#",
    "schema": str(SCHEMA),
    "foaf": str(FOAF),
    "skos": str(SKOS),
    "prov": "http://www.w3.org/ns/prov#",
    "dct": str(DCTERMS),
    "time": "http://www.w3.org/2006/time#",
    "geo": str(GEO),
    "dcat": "http://www.w3.org/ns/dcat#",
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
}

DECLARATION_TYPES = {
    OWL.Class,
    RDFS.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    RDF.Property,
}

# A small valid graph in the shape the build emits (docs/data-model.md).
SAMPLE = """
@prefix : <https://w3id.org/ecosystem-graph/id/> .
@prefix eco: <https://w3id.org/ecosystem-graph/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<https://w3id.org/ecosystem-graph/id/dataset/this> a dcat:Dataset ;
    rdfs:label "Sofia Knowledge City ecosystem" ; dct:identifier "this" ;
    dct:title "Sofia Knowledge City ecosystem" ;
    eco:homeOrganization <https://w3id.org/ecosystem-graph/id/organization/sofia-knowledge-city> .

<https://w3id.org/ecosystem-graph/id/source/uk-visit-news> a prov:Entity , schema:NewsArticle ;
    rdfs:label "Work meetings of Cluster Sofia Knowledge City in the United Kingdom" ;
    dct:identifier "uk-visit-news" ;
    dct:title "Work meetings of Cluster Sofia Knowledge City in the United Kingdom" ;
    dct:publisher <https://w3id.org/ecosystem-graph/id/organization/sofia-knowledge-city> ;
    dct:language "en" .

<https://w3id.org/ecosystem-graph/id/place/bg> a schema:Country ;
    rdfs:label "Bulgaria" ; dct:identifier "bg" ;
    geo:lat "43.0"^^xsd:decimal ; geo:long "25.0"^^xsd:decimal ;
    eco:geonamesId "732800" ; owl:sameAs <https://sws.geonames.org/732800/> .

<https://w3id.org/ecosystem-graph/id/place/sofia> a schema:City ;
    rdfs:label "Sofia" ; dct:identifier "sofia" ;
    schema:containedInPlace <https://w3id.org/ecosystem-graph/id/place/bg> ;
    geo:lat "42.69751"^^xsd:decimal ; geo:long "23.32415"^^xsd:decimal ;
    eco:geonamesId "727011" ; owl:sameAs <https://sws.geonames.org/727011/> .

<https://w3id.org/ecosystem-graph/id/place/gb> a schema:Country ;
    rdfs:label "United Kingdom" ; dct:identifier "gb" ;
    geo:lat "54.75844"^^xsd:decimal ; geo:long "-2.69531"^^xsd:decimal ;
    eco:geonamesId "2635167" ; owl:sameAs <https://sws.geonames.org/2635167/> .

<https://w3id.org/ecosystem-graph/id/place/london> a schema:City ;
    rdfs:label "London" ; dct:identifier "london" ;
    schema:containedInPlace <https://w3id.org/ecosystem-graph/id/place/gb> ;
    geo:lat "51.50853"^^xsd:decimal ; geo:long "-0.12574"^^xsd:decimal ;
    eco:geonamesId "2643743" ; owl:sameAs <https://sws.geonames.org/2643743/> .

<https://w3id.org/ecosystem-graph/id/org-type/cluster> a skos:Concept , eco:OrganizationType ;
    rdfs:label "cluster organization" ; dct:identifier "cluster" ;
    skos:prefLabel "cluster organization" ;
    skos:inScheme eco:organizationTypes ; skos:topConceptOf eco:organizationTypes .
eco:organizationTypes skos:hasTopConcept <https://w3id.org/ecosystem-graph/id/org-type/cluster> .

<https://w3id.org/ecosystem-graph/id/theme/smart-cities> a skos:Concept , eco:Theme ;
    rdfs:label "smart cities" ; dct:identifier "smart-cities" ;
    skos:prefLabel "smart cities" ;
    skos:inScheme eco:themes ; skos:topConceptOf eco:themes ;
    skos:narrower <https://w3id.org/ecosystem-graph/id/theme/internet-of-things> .
eco:themes skos:hasTopConcept <https://w3id.org/ecosystem-graph/id/theme/smart-cities> .

<https://w3id.org/ecosystem-graph/id/theme/internet-of-things> a skos:Concept , eco:Theme ;
    rdfs:label "Internet of Things" ; dct:identifier "internet-of-things" ;
    skos:prefLabel "Internet of Things" ; skos:altLabel "IoT" ;
    skos:definition "Networked physical devices that exchange data." ;
    skos:inScheme eco:themes ;
    skos:broader <https://w3id.org/ecosystem-graph/id/theme/smart-cities> .

<https://w3id.org/ecosystem-graph/id/organization/sofia-knowledge-city> a org:Organization ;
    rdfs:label "Cluster Sofia Knowledge City" ; dct:identifier "sofia-knowledge-city" ;
    skos:altLabel "Sofia – Knowledge City" ;
    org:classification <https://w3id.org/ecosystem-graph/id/org-type/cluster> ;
    schema:location <https://w3id.org/ecosystem-graph/id/place/sofia> ;
    foaf:homepage <https://example.org/sofia-knowledge-city> ;
    prov:wasDerivedFrom <https://w3id.org/ecosystem-graph/id/source/uk-visit-news> .

<https://w3id.org/ecosystem-graph/id/organization/future-cities-catapult> a org:Organization ;
    rdfs:label "Future Cities Catapult" ; dct:identifier "future-cities-catapult" ;
    schema:location <https://w3id.org/ecosystem-graph/id/place/london> ;
    prov:wasDerivedFrom <https://w3id.org/ecosystem-graph/id/source/uk-visit-news> .

<https://w3id.org/ecosystem-graph/id/organization/universal-trustme-engine> a org:Organization ;
    rdfs:label "Universal TrustMe Engine" ; dct:identifier "universal-trustme-engine" ;
    prov:wasDerivedFrom <https://w3id.org/ecosystem-graph/id/source/uk-visit-news> .

<https://w3id.org/ecosystem-graph/id/person/deyan-pushkarov> a foaf:Person , schema:Person ;
    rdfs:label "Deyan Pushkarov" ; dct:identifier "deyan-pushkarov" ;
    foaf:name "Deyan Pushkarov" ; foaf:givenName "Deyan" ; foaf:familyName "Pushkarov" ;
    org:memberOf <https://w3id.org/ecosystem-graph/id/organization/sofia-knowledge-city> ;
    prov:wasDerivedFrom <https://w3id.org/ecosystem-graph/id/source/uk-visit-news> .

<https://w3id.org/ecosystem-graph/id/role/marketing-and-pr-expert> a org:Role ;
    rdfs:label "Marketing and PR Expert" ; skos:prefLabel "Marketing and PR Expert" .

<https://w3id.org/ecosystem-graph/id/membership/deyan-pushkarov--sofia-knowledge-city> a org:Membership ;
    rdfs:label "Deyan Pushkarov at Cluster Sofia Knowledge City" ;
    dct:identifier "deyan-pushkarov--sofia-knowledge-city" ;
    org:member <https://w3id.org/ecosystem-graph/id/person/deyan-pushkarov> ;
    org:organization <https://w3id.org/ecosystem-graph/id/organization/sofia-knowledge-city> ;
    org:role <https://w3id.org/ecosystem-graph/id/role/marketing-and-pr-expert> ;
    org:memberDuring <https://w3id.org/ecosystem-graph/id/membership/deyan-pushkarov--sofia-knowledge-city/during> ;
    prov:wasDerivedFrom <https://w3id.org/ecosystem-graph/id/source/uk-visit-news> .

<https://w3id.org/ecosystem-graph/id/membership/deyan-pushkarov--sofia-knowledge-city/during> a time:Interval ;
    time:hasBeginning [ a time:Instant ; time:inXSDDate "2018-01-01"^^xsd:date ] ;
    time:hasEnd [ a time:Instant ; time:inXSDDate "2019-12-31"^^xsd:date ] .

<https://w3id.org/ecosystem-graph/id/programme/international-visits> a schema:EventSeries , eco:VisitProgramme ;
    rdfs:label "International working visits" ; dct:identifier "international-visits" ;
    schema:organizer <https://w3id.org/ecosystem-graph/id/organization/sofia-knowledge-city> ;
    eco:goal "internationalization" ;
    schema:about <https://w3id.org/ecosystem-graph/id/theme/smart-cities> ;
    schema:location <https://w3id.org/ecosystem-graph/id/place/gb> ;
    eco:targetOrganizationType <https://w3id.org/ecosystem-graph/id/org-type/cluster> ;
    schema:subEvent <https://w3id.org/ecosystem-graph/id/visit/uk-2018> ;
    prov:wasDerivedFrom <https://w3id.org/ecosystem-graph/id/source/uk-visit-news> .

<https://w3id.org/ecosystem-graph/id/visit/uk-2018> a eco:WorkingVisit ;
    rdfs:label "Working visit to the United Kingdom" ; dct:identifier "uk-2018" ;
    schema:startDate "2018-07-30"^^xsd:date ; schema:endDate "2018-08-03"^^xsd:date ;
    schema:location <https://w3id.org/ecosystem-graph/id/place/london> ;
    schema:organizer <https://w3id.org/ecosystem-graph/id/organization/sofia-knowledge-city> ;
    schema:attendee <https://w3id.org/ecosystem-graph/id/person/deyan-pushkarov> ;
    schema:superEvent <https://w3id.org/ecosystem-graph/id/programme/international-visits> ;
    schema:subEvent <https://w3id.org/ecosystem-graph/id/meeting/future-cities-catapult> ,
        <https://w3id.org/ecosystem-graph/id/meeting/universal-trustme-engine> ;
    prov:wasDerivedFrom <https://w3id.org/ecosystem-graph/id/source/uk-visit-news> .

<https://w3id.org/ecosystem-graph/id/meeting/future-cities-catapult> a eco:Meeting ;
    rdfs:label "Meeting with Future Cities Catapult" ; dct:identifier "future-cities-catapult" ;
    schema:superEvent <https://w3id.org/ecosystem-graph/id/visit/uk-2018> ;
    eco:reportOrder 1 ;
    eco:metOrganization <https://w3id.org/ecosystem-graph/id/organization/future-cities-catapult> ;
    schema:attendee <https://w3id.org/ecosystem-graph/id/person/deyan-pushkarov> ;
    schema:location <https://w3id.org/ecosystem-graph/id/place/london> ;
    schema:about <https://w3id.org/ecosystem-graph/id/theme/smart-cities> ;
    eco:assessment "very beneficial" ;
    eco:outcome "possible joint activities in smart cities were discussed" ;
    prov:wasDerivedFrom <https://w3id.org/ecosystem-graph/id/source/uk-visit-news> .

<https://w3id.org/ecosystem-graph/id/meeting/universal-trustme-engine> a eco:Meeting ;
    rdfs:label "Meeting with Universal TrustMe Engine" ; dct:identifier "universal-trustme-engine" ;
    schema:superEvent <https://w3id.org/ecosystem-graph/id/visit/uk-2018> ;
    eco:reportOrder 8 ;
    eco:metOrganization <https://w3id.org/ecosystem-graph/id/organization/universal-trustme-engine> ;
    schema:startDate "2018-08-03"^^xsd:date ;
    eco:presented <https://w3id.org/ecosystem-graph/id/product/trustme> ;
    prov:wasDerivedFrom <https://w3id.org/ecosystem-graph/id/source/uk-visit-news> .

<https://w3id.org/ecosystem-graph/id/event/follow-up-2018-09> a schema:Event , eco:FollowUp ;
    rdfs:label "Presentation of the UK meetings to members" ; dct:identifier "follow-up-2018-09" ;
    schema:startDate "2018-09"^^xsd:gYearMonth ;
    schema:organizer <https://w3id.org/ecosystem-graph/id/organization/sofia-knowledge-city> ;
    eco:concerns <https://w3id.org/ecosystem-graph/id/visit/uk-2018> ;
    schema:eventStatus schema:EventScheduled ;
    eco:attendeesAtLeast 0 ;
    prov:wasDerivedFrom <https://w3id.org/ecosystem-graph/id/source/uk-visit-news> .

<https://w3id.org/ecosystem-graph/id/partnership/fcc-smart-cities> a eco:Partnership ;
    rdfs:label "Joint smart-city activities" ; dct:identifier "fcc-smart-cities" ;
    eco:partner <https://w3id.org/ecosystem-graph/id/organization/sofia-knowledge-city> ,
        <https://w3id.org/ecosystem-graph/id/organization/future-cities-catapult> ;
    eco:partnershipStatus eco:Possible ;
    schema:about <https://w3id.org/ecosystem-graph/id/theme/smart-cities> ;
    eco:discussedAt <https://w3id.org/ecosystem-graph/id/meeting/future-cities-catapult> ;
    prov:wasDerivedFrom <https://w3id.org/ecosystem-graph/id/source/uk-visit-news> .

<https://w3id.org/ecosystem-graph/id/product/trustme> a eco:Product ;
    rdfs:label "TrustMe™" ; dct:identifier "trustme" ;
    schema:manufacturer <https://w3id.org/ecosystem-graph/id/organization/universal-trustme-engine> ;
    prov:wasDerivedFrom <https://w3id.org/ecosystem-graph/id/source/uk-visit-news> .

<https://w3id.org/ecosystem-graph/id/statement/3f2a9c> a rdf:Statement ;
    rdf:subject <https://w3id.org/ecosystem-graph/id/organization/future-cities-catapult> ;
    rdf:predicate schema:location ;
    rdf:object <https://w3id.org/ecosystem-graph/id/place/london> ;
    eco:inferred true ;
    prov:wasDerivedFrom <https://w3id.org/ecosystem-graph/id/source/uk-visit-news> ;
    skos:note "The source places the organizations met in London and Peterborough collectively." .
"""

MEETING_FCC = ID["meeting/future-cities-catapult"]
MEETING_TRUSTME = ID["meeting/universal-trustme-engine"]
VISIT = ID["visit/uk-2018"]
THEME_PARENT = ID["theme/smart-cities"]
THEME_CHILD = ID["theme/internet-of-things"]
LONDON = ID["place/london"]


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "ecosystem.ttl", format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")


@pytest.fixture()
def sample() -> Graph:
    return Graph().parse(data=SAMPLE, format="turtle")


def run_shacl(data: Graph, ontology: Graph, shapes: Graph) -> tuple[bool, list[dict]]:
    """Validate as the build does: ontology merged into the data graph, no inference."""
    merged = Graph()
    for triple in data:
        merged.add(triple)
    for triple in ontology:
        merged.add(triple)
    conforms, report, _ = validate(
        merged, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=False
    )
    results = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        results.append(
            {
                "focus": report.value(result, SH.focusNode),
                "value": report.value(result, SH.value),
                "path": report.value(result, SH.resultPath),
                "message": str(report.value(result, SH.resultMessage) or ""),
                "component": report.value(result, SH.sourceConstraintComponent),
            }
        )
    return conforms, results


def describe(results: list[dict]) -> str:
    return "\n".join(f"{r['focus']} {r['path']} {r['message']}" for r in results)


def find(results: list[dict], focus: URIRef, path: URIRef, message_part: str) -> dict:
    for result in results:
        # Graph-wide rules report the offending node as the value, not the focus.
        hit = focus in (result["focus"], result["value"])
        if hit and result["path"] == path and message_part in result["message"]:
            return result
    raise AssertionError(
        f"no result for {focus} {path} containing {message_part!r}; got:\n{describe(results)}"
    )


# --- the files themselves -------------------------------------------------------------------


def test_both_files_parse(ontology: Graph, shapes: Graph) -> None:
    assert len(ontology) > 0
    assert len(shapes) > 0


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.title) is not None
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.description) is not None
    # Must build offline.
    assert not list(ontology.objects(None, OWL.imports))


def test_declared_terms_have_label_and_comment(ontology: Graph) -> None:
    missing = []
    for kind in DECLARATION_TYPES:
        for term in ontology.subjects(RDF.type, kind):
            if isinstance(term, BNode):
                continue  # anonymous class expressions such as owl:unionOf
            if ontology.value(term, RDFS.label) is None or ontology.value(term, RDFS.comment) is None:
                missing.append(term)
    assert not missing, f"declared without rdfs:label/rdfs:comment: {sorted(missing)}"


def eco_terms(graph: Graph) -> set[URIRef]:
    return {
        node
        for triple in graph
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(str(ECO))
    }


def test_every_eco_term_in_either_file_is_defined(ontology: Graph, shapes: Graph) -> None:
    terms = eco_terms(ontology) | eco_terms(shapes)
    assert ECO.Meeting in terms
    missing = [
        t
        for t in sorted(terms)
        if ontology.value(t, RDFS.label) is None
        or ontology.value(t, RDFS.comment) is None
        or ontology.value(t, RDFS.isDefinedBy) != ONTOLOGY_IRI
    ]
    assert not missing, f"eco: terms without rdfs:label/rdfs:comment/rdfs:isDefinedBy: {missing}"


def test_labels_and_comments_are_english(ontology: Graph) -> None:
    for term in eco_terms(ontology):
        for prop in (RDFS.label, RDFS.comment):
            for value in ontology.objects(term, prop):
                assert value.language == "en", f"{term} {prop} {value!r}"


def test_terms_of_the_data_model_are_in_the_ontology(ontology: Graph) -> None:
    """Every prefixed term docs/data-model.md names must be labelled and commented here."""
    if not DATA_MODEL.exists():
        pytest.skip("docs/data-model.md not present")
    text = DATA_MODEL.read_text(encoding="utf-8")
    names = set(re.findall(r"\b(" + "|".join(PREFIXES) + r"):([A-Za-z][A-Za-z0-9]*)", text))
    names.discard(("rdf", "type"))  # built-in, not something to document
    assert names, "no prefixed terms found in docs/data-model.md"
    missing = []
    for prefix, local in sorted(names):
        term = URIRef(PREFIXES[prefix] + local)
        if ontology.value(term, RDFS.label) is None or ontology.value(term, RDFS.comment) is None:
            missing.append(f"{prefix}:{local}")
    assert not missing, f"terms in data-model.md without label/comment in ecosystem.ttl: {missing}"


def test_partnership_statuses(ontology: Graph) -> None:
    for name in ("Possible", "UnderDiscussion", "Agreed", "Active", "Ended"):
        assert (ECO[name], RDF.type, ECO.PartnershipStatus) in ontology


def test_concept_schemes(ontology: Graph) -> None:
    for scheme in (ECO.themes, ECO.organizationTypes):
        assert (scheme, RDF.type, SKOS.ConceptScheme) in ontology
        for prop in (RDFS.label, SKOS.prefLabel, RDFS.comment, DCTERMS.title):
            assert ontology.value(scheme, prop) is not None, f"{scheme} lacks {prop}"


def test_promotes_work_of_is_an_organization_relation(ontology: Graph) -> None:
    assert (ECO.promotesWorkOf, RDFS.subPropertyOf, ECO.organizationRelation) in ontology


def test_every_property_shape_has_a_message(shapes: Graph) -> None:
    property_shapes = set(shapes.subjects(SH.path, None))
    assert len(property_shapes) > 30
    missing = [s for s in property_shapes if shapes.value(s, SH.message) is None]
    assert not missing, f"{len(missing)} property shapes without sh:message"
    sparql = set(shapes.objects(None, SH.sparql))
    assert sparql and all(shapes.value(c, SH.message) is not None for c in sparql)


# --- validation -----------------------------------------------------------------------------


def test_ontology_alone_conforms(ontology: Graph, shapes: Graph) -> None:
    conforms, results = run_shacl(Graph(), ontology, shapes)
    assert conforms, describe(results)


def test_valid_sample_conforms(sample: Graph, ontology: Graph, shapes: Graph) -> None:
    conforms, results = run_shacl(sample, ontology, shapes)
    assert conforms, describe(results)


def test_sample_needs_the_ontology_merged(sample: Graph, shapes: Graph) -> None:
    # Without the ontology, the status individual is untyped and meetings are not schema:Events.
    conforms, results = run_shacl(sample, Graph(), shapes)
    assert not conforms
    find(results, ID["partnership/fcc-smart-cities"], ECO.partnershipStatus, "exactly one status")


def test_meeting_without_organization_is_rejected(sample, ontology, shapes) -> None:
    sample.remove((MEETING_FCC, ECO.metOrganization, None))
    conforms, results = run_shacl(sample, ontology, shapes)
    assert not conforms
    result = find(results, MEETING_FCC, ECO.metOrganization, "exactly one organization met")
    assert result["component"] == SH.MinCountConstraintComponent


def test_visit_ending_before_it_starts_is_rejected(sample, ontology, shapes) -> None:
    sample.set((VISIT, SCHEMA.endDate, Literal("2018-07-29", datatype=XSD_DATE)))
    conforms, results = run_shacl(sample, ontology, shapes)
    assert not conforms
    result = find(results, VISIT, SCHEMA.startDate, "on or before its end date")
    assert result["component"] == SH.LessThanOrEqualsConstraintComponent


def test_theme_broader_cycle_is_rejected(sample, ontology, shapes) -> None:
    sample.add((THEME_PARENT, SKOS.broader, THEME_CHILD))
    sample.add((THEME_CHILD, SKOS.narrower, THEME_PARENT))
    conforms, results = run_shacl(sample, ontology, shapes)
    assert not conforms
    for theme in (THEME_PARENT, THEME_CHILD):
        result = find(results, theme, SKOS.broader, "must not be its own ancestor")
        assert result["component"] == SH.SPARQLConstraintComponent


def test_theme_broader_without_narrower_is_rejected(sample, ontology, shapes) -> None:
    sample.remove((THEME_PARENT, SKOS.narrower, THEME_CHILD))
    conforms, results = run_shacl(sample, ontology, shapes)
    assert not conforms
    find(results, THEME_CHILD, SKOS.broader, "must mirror each other")


def test_meeting_dated_outside_its_visit_is_rejected(sample, ontology, shapes) -> None:
    sample.set((MEETING_TRUSTME, SCHEMA.startDate, Literal("2018-08-10", datatype=XSD_DATE)))
    conforms, results = run_shacl(sample, ontology, shapes)
    assert not conforms
    result = find(results, MEETING_TRUSTME, SCHEMA.startDate, "within the start and end dates")
    assert result["component"] == SH.SPARQLConstraintComponent


def test_city_without_coordinates_is_rejected(sample, ontology, shapes) -> None:
    sample.remove((LONDON, GEO.lat, None))
    sample.remove((LONDON, GEO.long, None))
    conforms, results = run_shacl(sample, ontology, shapes)
    assert not conforms
    find(results, LONDON, None, "or be marked eco:coordinatesUnknown true")
    sample.add((LONDON, ECO.coordinatesUnknown, Literal(True)))  # an imported place the gazetteer missed
    assert run_shacl(sample, ontology, shapes)[0]


def test_inferred_statement_about_a_missing_triple_is_rejected(sample, ontology, shapes) -> None:
    fcc = ID["organization/future-cities-catapult"]
    sample.remove((fcc, SCHEMA.location, LONDON))
    conforms, results = run_shacl(sample, ontology, shapes)
    assert not conforms
    find(results, ID["statement/3f2a9c"], RDF.object, "describe a triple that is in the graph")
