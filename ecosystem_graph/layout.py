"""Node positions for the views, computed in Python so the browser draws without physics.

Small connected components use networkx's exact spring layout. Large ones use a linear-time
layout in NumPy: pivot MDS (Brandes & Pich, 2006) places the nodes from breadth-first distances
to a few pivots, then a Fruchterman-Reingold refinement with grid-limited repulsion spreads
neighbourhoods apart. Components are packed in rows, largest first. Everything is seeded and
deterministic.

>>> import networkx as nx
>>> pos = layout(nx.path_graph(4))
>>> sorted(pos) == [0, 1, 2, 3] and all(len(xy) == 2 for xy in pos.values())
True
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import cast

import networkx as nx
import numpy as np

__all__ = ["ASPECT", "EDGE_LENGTH", "SMALL_COMPONENT", "fast_layout", "grouped_layout", "layout", "radial_layout",
           "remove_overlaps"]

#: Components up to this many nodes use networkx's exact spring layout.
SMALL_COMPONENT = 300
#: Distance between neighbours in the returned coordinates (pixels in a view).
EDGE_LENGTH = 100.0
#: Components are stretched to at least this width / height ratio, the shape of a screen.
ASPECT = 1.35


def layout(G: nx.Graph, seed: int = 7, edge_length: float = EDGE_LENGTH,
           boxes: Mapping[Hashable, tuple[float, ...]] | None = None,
           iterations: int = 200) -> dict[Hashable, tuple[float, float]]:
    """Positions of every node of ``G`` (direction and parallel edges ignored), in pixels.

    Neighbours end up roughly ``edge_length`` apart; components are packed side by side. ``boxes``
    gives the (width, height[, downward shift of the box's centre]) in pixels a node needs with its
    label: in small components nodes are then pushed apart until no two boxes overlap.
    ``iterations`` is the number of spring-layout steps of small components.

    >>> import networkx as nx
    >>> pos = layout(nx.star_graph(5), edge_length=10)
    >>> round(max(abs(x) for x, _ in pos.values()) - min(abs(x) for x, _ in pos.values())) > 0
    True
    >>> layout(nx.empty_graph(0))
    {}
    """
    nodes = list(G)
    n = len(nodes)
    if n == 0:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    rng = np.random.default_rng(seed)
    pairs = np.array([(index[u], index[v]) for u, v in G.edges() if u != v], dtype=np.int64).reshape(-1, 2)
    if len(pairs):
        pairs = np.unique(np.sort(pairs, axis=1), axis=0)
    labels = _components(n, pairs)
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    groups = sorted(np.split(order, bounds), key=len, reverse=True)
    size, offset = np.zeros((n, 2)), np.zeros((n, 2))
    if boxes:
        found = np.array([boxes.get(node, (0.0, 0.0, 0.0))[:3] for node in nodes], dtype=float).reshape(n, -1)
        size[:, :2] = found[:, :2] / edge_length
        if found.shape[1] > 2:
            offset[:, 1] = found[:, 2] / edge_length
    local = np.zeros((n, 2))
    for group in groups:
        local[group] = _component_layout(group, pairs, labels, rng, iterations)
        local[group] = _landscape(local[group])
        if boxes and 2 < len(group) <= SMALL_COMPONENT:
            part, need = local[group], size[group]
            # Room first: the boxes should fill about two fifths of the component's area.
            extent = np.prod(np.maximum(part.max(axis=0) - part.min(axis=0), 1e-9))
            wanted = 2.5 * float(np.prod(need, axis=1).sum())
            if extent < wanted:
                part = part * np.sqrt(wanted / extent)
            local[group] = remove_overlaps(part, need, offset[group])
    pos = _pack(groups, local, size, offset)
    return {node: (float(pos[i, 0]) * edge_length, float(pos[i, 1]) * edge_length) for i, node in enumerate(nodes)}


def grouped_layout(G: nx.Graph, groups: Sequence[Sequence[Hashable]], seed: int = 7,
                   edge_length: float = EDGE_LENGTH) -> tuple[dict[Hashable, tuple[float, float]],
                                                              list[tuple[float, float, float]]]:
    """Positions where each group of nodes fills its own disc, and the discs do not overlap.

    Each group is laid out alone (:func:`layout`) and scaled into a disc whose area grows with its
    size; the discs are placed by a spring layout of the groups (linked groups near each other) and
    pushed apart until none overlap. So a group collapsed into one node and expanded again opens
    where it was, and no group's members are mixed with another's. Returns the positions and each
    group's (x, y, radius).

    >>> import networkx as nx
    >>> G = nx.Graph([(1, 2), (2, 3), (4, 5)])
    >>> pos, discs = grouped_layout(G, [[1, 2, 3], [4, 5]])
    >>> sorted(pos) == [1, 2, 3, 4, 5], len(discs)
    (True, 2)
    >>> (x1, y1, r1), (x2, y2, r2) = discs
    >>> bool(((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 >= 0.99 * (r1 + r2))
    True
    """
    pos: dict[Hashable, tuple[float, float]] = {}
    if not groups:
        return pos, []
    local, radius = [], np.zeros(len(groups))
    for i, members in enumerate(groups):
        found = layout(G.subgraph(members), seed=seed, edge_length=1.0)
        part = np.array([found[m] for m in members], dtype=float).reshape(-1, 2)
        part -= part.mean(axis=0)
        reach = float(np.sqrt((part ** 2).sum(axis=1)).max()) if len(part) > 1 else 0.0
        radius[i] = edge_length * 0.45 * (np.sqrt(len(members)) + 1)
        local.append(part * (radius[i] / reach) if reach > 0 else part)
    where = {node: i for i, members in enumerate(groups) for node in members}
    Q = nx.Graph()
    Q.add_nodes_from(range(len(groups)))
    for u, v in G.edges():
        a, b = where.get(u), where.get(v)
        if a is not None and b is not None and a != b:
            Q.add_edge(a, b, weight=Q.edges[a, b]["weight"] + 1 if Q.has_edge(a, b) else 1)
    spring = nx.spring_layout(Q, seed=seed, weight="weight") if len(groups) > 1 else {0: (0.0, 0.0)}
    # Start packed (the spring layout spans [-1, 1]: scale it to the side of a square holding every
    # disc), then push apart only as much as overlaps need: weakly linked groups stay close.
    room = np.repeat(2.1 * radius[:, None], 2, axis=1)
    side = float(np.sqrt((room[:, 0] ** 2).sum()))
    centre = np.array([spring[i] for i in range(len(groups))], dtype=float) * side / 2
    centre = remove_overlaps(centre, room, iterations=5000)
    for i, members in enumerate(groups):
        for node, (x, y) in zip(members, local[i] + centre[i]):
            pos[node] = (float(x), float(y))
    return pos, [(float(x), float(y), float(r)) for (x, y), r in zip(centre, radius)]


def _landscape(pos: np.ndarray) -> np.ndarray:
    """Rotate so that the longer axis of the points is horizontal, then widen to :data:`ASPECT`."""
    if len(pos) < 3:
        return pos
    centred = pos - pos.mean(axis=0)
    _, vectors = np.linalg.eigh(np.cov(centred.T))
    rotated: np.ndarray = centred @ vectors[:, ::-1]  # numpy types this product as Any
    width, height = np.ptp(rotated, axis=0)
    if height > 1e-9 and width / height < ASPECT:
        rotated[:, 0] *= ASPECT * height / max(width, 1e-9)  # use the width of the screen
    return rotated


def radial_layout(nodes: list[Hashable], center: Hashable, boxes: Mapping[Hashable, tuple[float, ...]],
                  edge_length: float = EDGE_LENGTH) -> dict[Hashable, tuple[float, float]]:
    """An ego network's positions: ``center`` in the middle, the other ``nodes`` (in the order given)
    around it on one ring, or on two alternating rings above 24, each ring wide
    enough for the nodes' ``boxes`` (width, height, ...). Linear time: a site draws one per page,
    where a spring layout cost more than the rest of the page.

    >>> pos = radial_layout(["c", "a", "b"], "c", {n: (40.0, 30.0) for n in "abc"})
    >>> pos["c"], round(pos["a"][0]) == -round(pos["b"][0]), round(pos["a"][1])
    ((0.0, 0.0), True, 0)
    """
    ring = [n for n in nodes if n != center]
    pos: dict[Hashable, tuple[float, float]] = {center: (0.0, 0.0)}
    if not ring:
        return pos
    rings = [ring] if len(ring) <= 24 else [ring[0::2], ring[1::2]]
    inner = 0.0
    for number, members in enumerate(rings):
        # A ring's circumference holds its boxes side by side, and it clears the ring inside it.
        needed = sum(max(boxes[n][0], boxes[n][1]) for n in members) * 1.1 / (2 * np.pi)
        radius = max(edge_length * (1.6 if number == 0 else 1.0), needed, inner + 0.8 * edge_length)
        start = np.pi if len(members) > 1 else np.pi / 2
        shift = np.pi / len(members) if number == 1 else 0.0
        for i, node in enumerate(members):
            angle = start + shift + 2 * np.pi * i / len(members)
            pos[node] = (float(radius * np.cos(angle)), float(radius * np.sin(angle)))
        inner = radius
    return pos


def remove_overlaps(pos: np.ndarray, size: np.ndarray, offset: np.ndarray | None = None,
                    iterations: int = 1000) -> np.ndarray:
    """Push apart nodes whose boxes (``size``: width, height, centred on ``pos + offset``) overlap.

    Each overlapping pair moves apart along the axis where it overlaps least, half each; a few
    thousand sweeps at most (all pairs at once, so for small components only).

    >>> import numpy as np
    >>> pos = remove_overlaps(np.array([[0.0, 0.0], [0.1, 0.0]]), np.array([[1.0, 1.0], [1.0, 1.0]]))
    >>> bool(abs(pos[1, 0] - pos[0, 0]) >= 0.999)
    True
    """
    shift = np.zeros_like(pos) if offset is None else offset
    pos = pos + shift
    n = len(pos)
    if n < 2:
        return cast(np.ndarray, pos - shift)  # numpy types arithmetic on arrays of any dtype as Any
    first, second = np.triu_indices(n, 1)
    need = (size[first] + size[second]) / 2
    for _ in range(iterations):
        delta = pos[second] - pos[first]
        overlap = need - np.abs(delta)
        hit = (overlap[:, 0] > 0) & (overlap[:, 1] > 0)
        if not hit.any():
            break
        a, b, d, o = first[hit], second[hit], delta[hit], overlap[hit]
        axis = (o[:, 1] < o[:, 0]).astype(int)  # move along the axis of the smaller overlap
        rows = np.arange(len(a))
        direction = np.sign(d[rows, axis])
        direction[direction == 0] = np.where(a[direction == 0] % 2 == 0, 1.0, -1.0)
        push = np.zeros((len(a), 2))
        push[rows, axis] = direction * (o[rows, axis] / 2 + 1e-3)
        move = np.zeros((n, 2))
        for k in (0, 1):
            move[:, k] += np.bincount(b, push[:, k], n) - np.bincount(a, push[:, k], n)
        counts = np.bincount(np.concatenate([a, b]), minlength=n).clip(min=1)
        pos += move / np.sqrt(counts)[:, None]
    return cast(np.ndarray, pos - shift)


def _components(n: int, pairs: np.ndarray) -> np.ndarray:
    """Connected component label of each node (union-find with path halving, vectorised)."""
    parent = np.arange(n)
    if len(pairs) == 0:
        return parent
    u, v = pairs[:, 0], pairs[:, 1]
    while True:
        pu, pv = parent[u], parent[v]
        low = np.minimum(pu, pv)
        changed = pu != pv
        if not changed.any():
            break
        np.minimum.at(parent, pu[changed], low[changed])
        np.minimum.at(parent, pv[changed], low[changed])
        # pointer jumping until every node points at its root
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
    return parent


def _component_layout(group: np.ndarray, pairs: np.ndarray, labels: np.ndarray, rng: np.random.Generator,
                      iterations: int) -> np.ndarray:
    size = len(group)
    if size == 1:
        return np.zeros((1, 2))
    if size == 2:
        return np.array([[-0.5, 0.0], [0.5, 0.0]])
    local_index = np.full(len(labels), -1)
    local_index[group] = np.arange(size)
    inside = local_index[pairs[:, 0]] >= 0
    edges = local_index[pairs[inside]]
    if size <= SMALL_COMPONENT:
        sub = nx.Graph()
        sub.add_nodes_from(range(size))
        sub.add_edges_from(map(tuple, edges))
        seed = int(rng.integers(1 << 31))
        found = nx.spring_layout(sub, seed=seed, iterations=iterations, method="force")
        pos = np.array([found[i] for i in range(size)])
        return _unit_edges(pos, edges)
    # Large components: nodes about half an edge length apart (edges of a dense graph are long).
    pos = fast_layout(size, edges, rng) * 0.5
    return cast(np.ndarray, pos - pos.mean(axis=0))  # numpy types arithmetic on arrays of any dtype as Any


def _unit_edges(pos: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Scale so that the median edge is one unit long, centred on the origin."""
    pos = pos - pos.mean(axis=0)
    if len(edges):
        lengths = np.linalg.norm(pos[edges[:, 0]] - pos[edges[:, 1]], axis=1)
        median = float(np.median(lengths))
        if median > 1e-9:
            pos = pos / median
    return pos


def fast_layout(n: int, edges: np.ndarray, rng: np.random.Generator | None = None,
                iterations: int = 15, pivots: int = 30) -> np.ndarray:
    """An ``n`` x 2 array of positions of a connected graph given as an array of index pairs.

    Linear in nodes and edges: pivot MDS for the global shape, then a few
    Fruchterman-Reingold steps limited to close nodes to untangle neighbourhoods.

    >>> import numpy as np
    >>> ring = np.array([(i, (i + 1) % 50) for i in range(50)])
    >>> pos = fast_layout(50, ring, np.random.default_rng(1))
    >>> pos.shape, bool(np.isfinite(pos).all())
    ((50, 2), True)
    """
    rng = rng or np.random.default_rng(7)
    indptr, indices = _csr(n, edges)
    pos = _pivot_mds(n, indptr, indices, rng, min(pivots, n))
    # Scale so that the nodes would be about one unit apart if spread evenly over the area.
    area = float(np.prod(np.maximum(pos.max(axis=0) - pos.min(axis=0), 1e-9)))
    pos = pos * np.sqrt(n / area) * 1.5
    pos += rng.normal(scale=0.05, size=pos.shape)
    return _refine(pos, edges, iterations, rng)


def _csr(n: int, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    both = np.concatenate([edges, edges[:, ::-1]]) if len(edges) else np.zeros((0, 2), dtype=np.int64)
    order = np.argsort(both[:, 0], kind="stable")
    indices = both[order, 1]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(both[:, 0], minlength=n), out=indptr[1:])
    return indptr, indices


def _bfs(indptr: np.ndarray, indices: np.ndarray, source: int) -> np.ndarray:
    n = len(indptr) - 1
    dist = np.full(n, -1, dtype=np.int64)
    dist[source] = 0
    frontier = np.array([source])
    level = 0
    while frontier.size:
        level += 1
        starts, counts = indptr[frontier], indptr[frontier + 1] - indptr[frontier]
        total = int(counts.sum())
        if total == 0:
            break
        offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        reached = indices[np.repeat(starts, counts) + offsets]
        reached = np.unique(reached[dist[reached] < 0])
        dist[reached] = level
        frontier = reached
    return dist


def _pivot_mds(n: int, indptr: np.ndarray, indices: np.ndarray, rng: np.random.Generator,
               count: int) -> np.ndarray:
    distances = np.empty((n, count))
    nearest = np.full(n, np.inf)
    pivot = int(rng.integers(n))
    for k in range(count):
        dist = _bfs(indptr, indices, pivot).astype(float)
        dist[dist < 0] = dist.max() + 1  # not reached (should not happen: one component)
        distances[:, k] = dist
        nearest = np.minimum(nearest, dist)
        pivot = int(np.argmax(nearest))  # max-min: the node farthest from every pivot so far
    squared = distances ** 2
    centred = -0.5 * (squared - squared.mean(axis=0) - squared.mean(axis=1)[:, None] + squared.mean())
    # The top two left singular vectors scaled by their values, via the small k x k matrix.
    _, vectors = np.linalg.eigh(centred.T @ centred)
    coordinates: np.ndarray = centred @ vectors[:, [-1, -2]]  # numpy types this product as Any
    return coordinates


def _near_pairs(pos: np.ndarray, cell: float, limit: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs of nodes in the same or adjacent grid cells of side ``cell``, each pair once."""
    n = len(pos)
    grid = np.floor((pos - pos.min(axis=0)) / cell).astype(np.int64) + 1
    width, height = int(grid[:, 0].max()) + 2, int(grid[:, 1].max()) + 2
    key = grid[:, 0] * height + grid[:, 1]
    order = np.argsort(key, kind="stable")
    counts_per_cell = np.bincount(key, minlength=width * height)
    start_of_cell = np.cumsum(counts_per_cell) - counts_per_cell
    firsts, seconds = [], []
    for dx, dy in ((0, 0), (0, 1), (1, -1), (1, 0), (1, 1)):
        wanted = key + dx * height + dy
        lo, counts = start_of_cell[wanted], counts_per_cell[wanted]
        total = int(counts.sum())
        if total == 0:
            continue
        first = np.repeat(np.arange(n), counts)
        second = order[np.repeat(lo - (np.cumsum(counts) - counts), counts) + np.arange(total)]
        if dx == 0 and dy == 0:
            keep = first < second
            first, second = first[keep], second[keep]
        firsts.append(first)
        seconds.append(second)
    if not firsts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    first, second = np.concatenate(firsts), np.concatenate(seconds)
    if len(first) > limit:  # a crowded start: a random sample of pairs still pushes it apart
        pick = rng.choice(len(first), limit, replace=False)
        first, second = first[pick], second[pick]
    return first, second


def _refine(pos: np.ndarray, edges: np.ndarray, iterations: int, rng: np.random.Generator) -> np.ndarray:
    """Fruchterman-Reingold steps with repulsion only between close nodes (a grid finds them)
    and a small step: they untangle neighbourhoods without undoing the global shape."""
    n = len(pos)
    k = 1.0  # ideal distance
    radius = 1.5 * k
    temperature = 0.5 * k
    u, v = (edges[:, 0], edges[:, 1]) if len(edges) else (np.zeros(0, int), np.zeros(0, int))
    limit = max(30 * n, 200_000)
    for step_number in range(iterations):
        force = np.zeros((n, 2))
        a, b = _near_pairs(pos, radius, limit, rng)
        if len(a):
            delta = pos[a] - pos[b]
            dist2 = np.einsum("ij,ij->i", delta, delta)
            close = dist2 < radius * radius
            delta, dist2, a, b = delta[close], dist2[close], a[close], b[close]
            dist2 = np.maximum(dist2, 1e-4)
            push = delta * (k * k / dist2)[:, None]
            for axis in (0, 1):
                force[:, axis] += np.bincount(a, push[:, axis], n) - np.bincount(b, push[:, axis], n)
        if len(u):
            delta = pos[u] - pos[v]
            dist = np.sqrt(np.einsum("ij,ij->i", delta, delta))
            pull = delta * (np.minimum(dist, 4 * k) / k * 0.1)[:, None]
            for axis in (0, 1):
                force[:, axis] -= np.bincount(u, pull[:, axis], n) - np.bincount(v, pull[:, axis], n)
        length = np.sqrt(np.einsum("ij,ij->i", force, force))
        cap = temperature * (1 - step_number / iterations) + 0.05
        pos = pos + force * (np.minimum(length, cap) / np.maximum(length, 1e-9))[:, None]
    return pos


def _pack(groups: list[np.ndarray], local: np.ndarray, size: np.ndarray, offset: np.ndarray,
          gap: float = 1.0) -> np.ndarray:
    """Place the components' local layouts in rows, largest first, without overlap."""
    pos = np.zeros_like(local)
    boxes = []
    for group in groups:
        part, half = local[group] + offset[group], size[group] / 2
        low, high = (part - half).min(axis=0), (part + half).max(axis=0)
        boxes.append((low, high - low + gap))
    area = sum(float(w * h) for _, (w, h) in boxes)
    row_width = max(np.sqrt(area) * 1.3, max(float(size[0]) for _, size in boxes))
    x = y = row_height = 0.0
    for group, (low, size) in zip(groups, boxes):
        if x > 0 and x + size[0] > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        pos[group] = local[group] - low + (x, y)
        x += float(size[0])
        row_height = max(row_height, float(size[1]))
    return cast(np.ndarray, pos - pos.mean(axis=0))  # numpy types arithmetic on arrays of any dtype as Any
