// The browser libraries of the partner map, bundled into one script that the page embeds inline
// (ecosystem_graph/assets/sigma-bundle.min.js): graphology holds the graph, sigma draws it with
// WebGL (curved links on the geographic map; points and one-pixel lines for large maps, which
// software WebGL draws several times faster), ForceAtlas2 reruns the layout on what is visible,
// topojson-client turns the embedded world basemap into country outlines.
import Graph from "graphology";
import Sigma from "sigma";
import { EdgeLineProgram, NodePointProgram } from "sigma/rendering";
import EdgeCurveProgram from "@sigma/edge-curve";
import forceAtlas2 from "graphology-layout-forceatlas2";
import { feature } from "topojson-client";

window.EcoGraphLib = { Graph, Sigma, EdgeCurveProgram, EdgeLineProgram, NodePointProgram, forceAtlas2, topojsonFeature: feature };
