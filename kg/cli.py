"""The `kg` command: a thin shell over the library. Every command takes
`--data-dir` (default ``$KG_DATA_DIR`` or ``./var/kg``)."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from kg import __version__, build as builder, catalog, sparql
from kg.errors import KGError
from kg.results import serialize, short, table
from kg.store.layout import DataDir

data_dir_option = click.option(
    "--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    envvar="KG_DATA_DIR", show_envvar=True,
    help="Directory holding the built store (default: ./var/kg).")


store_option = click.option(
    "--store", "store_url", default=None, envvar="KG_STORE_URL", show_envvar=True,
    help="SPARQL query endpoint of a remote store (e.g. http://HOST:7878/query) instead of the "
         "embedded one; credentials from KG_STORE_USER/KG_STORE_PASSWORD or KG_STORE_TOKEN.")


def _remote(store_url: str):
    """A remote store for `--store URL`, with credentials from the environment only."""
    import os

    from kg.store import open_remote

    user, password = os.environ.get("KG_STORE_USER"), os.environ.get("KG_STORE_PASSWORD")
    return open_remote(store_url, auth=(user, password) if user else None,
                       token=os.environ.get("KG_STORE_TOKEN"),
                       update_url=os.environ.get("KG_STORE_UPDATE_URL"),
                       graph_store_url=os.environ.get("KG_STORE_GRAPH_STORE_URL"))


def _summary(verb: str, noun: str, counts: dict[str, int]) -> str:
    """What a load wrote: its own graphs, then the derived and inferred graphs
    it rewrote."""
    own = {name: n for name, n in counts.items() if name not in builder.REWRITTEN}
    rewritten = ", ".join(f"{counts[name]} {name}" for name in builder.REWRITTEN if name in counts)
    return (f"{verb} {len(own)} {noun}(s), {sum(own.values())} triples"
            + (f" (graphs rewritten: {rewritten} triples)" if rewritten else ""))


def _reader(data_dir: Path | None, store_url: str | None):
    return _remote(store_url) if store_url else DataDir(data_dir).open()


class KGGroup(click.Group):
    """Turns the toolkit's own errors into one clear line and exit status 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KGError as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            sys.exit(2)


@click.group(cls=KGGroup)
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Knowledge graph of regional economic relations."""


def _progress(message: str) -> None:
    click.echo(f"  {message}", err=True)


@main.command()
@data_dir_option
@store_option
@click.option("--source", "sources", multiple=True, help="Build only this source (repeatable).")
@click.option("--articles", "article_dirs", multiple=True,
              type=click.Path(exists=True, path_type=Path),
              help="Also ingest the articles in this folder (repeatable).")
def build(data_dir: Path | None, store_url: str | None, sources: tuple[str, ...],
          article_dirs: tuple[Path, ...]) -> None:
    """Build the default graph into a fresh store and swap it in atomically
    (on a remote store: each source's graph is replaced atomically)."""
    from kg.sources import default_sources

    started = time.perf_counter()
    plan = default_sources(only=sources or None, article_dirs=article_dirs)
    with click.progressbar(length=len(plan) + 2, label="building", file=sys.stderr,
                           item_show_func=lambda m: m or "") as bar:
        step = lambda message: bar.update(1, message)
        if store_url:
            counts = builder.write_all(_remote(store_url), plan, step)
        else:
            counts = builder.build(DataDir(data_dir), sources=plan, progress=step)
    click.echo(f"built {sum(counts.values())} triples in {len(counts)} graphs "
               f"in {time.perf_counter() - started:.1f}s", err=True)


@main.command()
@data_dir_option
@store_option
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--layout", help="Trade table layout, when detection is not enough.")
@click.option("--graph", "name", metavar="NAME",
              help="Name of the source graph for one file (e.g. trade/kgz-exports), instead of one made "
                   "from the file name.")
def load(data_dir: Path | None, store_url: str | None, files: tuple[Path, ...],
         layout: str | None, name: str | None) -> None:
    """Add source files, each into its own named graph (re-loading replaces it)."""
    if store_url:
        counts = builder.load_into(_remote(store_url), files, layout=layout, name=name, progress=_progress)
    else:
        counts = builder.load(DataDir(data_dir), files, layout=layout, name=name, progress=_progress)
    click.echo(_summary("loaded", "source", counts), err=True)


@main.command()
@data_dir_option
@store_option
@click.argument("sparql_text", required=False)
@click.option("-f", "--file", "query_file",
              help="A catalog query: a .rq file or a catalog name such as bloc_members.")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help="Parameter of a catalog query (repeatable).")
@click.option("--format", "fmt", default="table",
              type=click.Choice(["table", "json", "xml", "csv", "tsv", "turtle", "ntriples", "jsonld"]))
def query(data_dir: Path | None, store_url: str | None, sparql_text: str | None, query_file: str | None,
          params: tuple[str, ...], fmt: str) -> None:
    """Run a SPARQL query, or a catalog query with -f and --param."""
    from kg.api import KnowledgeGraph

    if bool(sparql_text) == bool(query_file):
        raise click.UsageError("give either a query or -f FILE")
    values = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"expected KEY=VALUE, got {item!r}", param_hint="--param")
        values[key.strip()] = value
    kg = KnowledgeGraph(_reader(data_dir, store_url))
    if query_file:
        result = kg.run_named(query_file, values)
    else:
        if values:
            raise click.UsageError("--param applies to catalog queries given with -f")
        result = kg.execute(sparql_text)
    rows = list(result.rows) if result.kind == "select" else None
    if fmt == "table":
        if result.kind == "select":
            click.echo(table(result.variables, rows))
        elif result.kind == "ask":
            click.echo("true" if result.boolean else "false")
        else:
            for s, p, o in result.triples:
                click.echo(f"{short(s)} {short(p)} {short(o)}")
        return
    sys.stdout.buffer.write(serialize(result, fmt, rows))
    sys.stdout.flush()


@main.command()
@data_dir_option
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def stats(data_dir: Path | None, store_url: str | None, as_json: bool) -> None:
    """Triples per named graph and instances per class."""
    store = _reader(data_dir, store_url)
    graphs = store.query(sparql.load("graph_stats"))
    by_graph = [(str(r["graph"]), int(r["triples"])) for r in graphs]
    by_class = [(str(r["class"]), int(r["instances"])) for r in store.query(sparql.load("class_stats"))]
    if as_json:
        click.echo(json.dumps({"graphs": dict(by_graph), "classes": dict(by_class),
                               "total": store.count()}, indent=2))
        return
    click.echo(table(["graph", "triples"], [{"graph": _lit(g), "triples": _lit(n)} for g, n in by_graph]))
    click.echo()
    click.echo(table(["class", "instances"], [{"class": _iri(c), "instances": _lit(n)} for c, n in by_class]))
    click.echo(f"\ntotal quads: {store.count()}")


def _lit(value):
    from rdflib import Literal
    return Literal(value)


def _iri(value):
    from rdflib import URIRef
    return URIRef(value)


@main.command()
@data_dir_option
@store_option
@click.option("--format", "fmt", default="nquads",
              type=click.Choice(["nquads", "trig", "turtle", "ntriples", "jsonld", "csv"]))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
def export(data_dir: Path | None, store_url: str | None, fmt: str, output: Path | None) -> None:
    """Dump the whole graph (N-Quads/TriG keep the named graphs), or with
    `--format csv -o FILE` a tidy CSV of every trade figure plus CSVW metadata."""
    store = _reader(data_dir, store_url)
    if fmt == "csv":
        from kg import tidy

        if output is None:
            raise click.UsageError("--format csv needs -o FILE (the CSVW metadata is written beside it)")
        rows = tidy.write(store, output)
        click.echo(f"wrote {rows} rows to {output} and {output}-metadata.json", err=True)
        return
    if output:
        with open(output, "wb") as fh:
            store.dump(fh, fmt)
    else:
        store.dump(sys.stdout.buffer, fmt)
        sys.stdout.flush()


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the extraction contract's JSON (the default).")
def extract(files: tuple[Path, ...], as_json: bool) -> None:
    """Print what would be extracted from articles, without touching the store."""
    from kg.extract import extract as run_extract, read_article

    results = []
    for path in files:
        result = run_extract(read_article(path))
        result["source"] = str(path)
        results.append(result)
    click.echo(json.dumps(results[0] if len(results) == 1 else results, ensure_ascii=False, indent=2))


@main.command()
@data_dir_option
@store_option
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def ingest(data_dir: Path | None, store_url: str | None, files: tuple[Path, ...]) -> None:
    """Add articles (files or folders), each in its own named graph with its claims."""
    if store_url:
        counts = builder.load_into(_remote(store_url), files, progress=_progress)
    else:
        counts = builder.load(DataDir(data_dir), files, progress=_progress)
    click.echo(_summary("ingested", "article", counts), err=True)


@main.command()
@data_dir_option
@store_option
@click.option("--max-records", default=20_000, show_default=True,
              help="Individuals per class handed to HermiT (the rest is checked by SPARQL).")
def check(data_dir: Path | None, store_url: str | None, max_records: int) -> None:
    """Check the graph against the ontology with HermiT; non-zero exit when inconsistent."""
    from kg.quality import check as run_check

    report = run_check(_reader(data_dir, store_url), max_records=max_records)
    click.echo(report.text())
    sys.exit(report.exit_code)


@main.command()
@data_dir_option
@store_option
def infer(data_dir: Path | None, store_url: str | None) -> None:
    """Materialise the OWL 2 RL consequences queries need into the `inferred` graph
    (also done by every build and load; on a remote store the graph is replaced atomically)."""
    from kg.quality import infer as run_infer

    if store_url:
        count = run_infer(_remote(store_url))
    else:
        with DataDir(data_dir).staged(from_current=True) as store:
            count = run_infer(store)
    click.echo(f"inferred graph: {count} triples", err=True)


@main.command()
@data_dir_option
@store_option
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the standard SHACL validation report (Turtle) to this file.")
@click.option("--mirror-ratio", default=1.5, show_default=True,
              help="Largest accepted ratio between mirror statistics (either way).")
@click.option("--claim-tolerance", default=0.05, show_default=True,
              help="Largest accepted relative gap between a claimed and an official figure.")
def validate(data_dir: Path | None, store_url: str | None, report_path: Path | None,
             mirror_ratio: float, claim_tolerance: float) -> None:
    """Validate with the SHACL shapes and the quality rules; non-zero exit on violations
    (warnings do not fail)."""
    from kg.quality import validate as run_validate

    report = run_validate(_reader(data_dir, store_url), mirror_ratio=mirror_ratio,
                          claim_tolerance=claim_tolerance)
    click.echo(report.text())
    if report_path:
        report.graph.serialize(report_path, format="turtle", encoding="utf-8")
        click.echo(f"SHACL report written to {report_path}", err=True)
    sys.exit(report.exit_code)


@main.command(name="queries")
def list_queries() -> None:
    """List the catalog of named queries and their parameters."""
    for name, q in catalog.catalog().items():
        params = ", ".join(f"{p.name}:{p.type}{'' if p.required else '?'}" for p in q.params)
        click.echo(f"{name:24} {q.title}  ({params})")


@main.command()
@data_dir_option
@store_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
def serve(data_dir: Path | None, store_url: str | None, host: str, port: int, threads: int) -> None:
    """Serve the graph over HTTP (building the default graph first if there is none)."""
    from server.wsgi import check_address, run

    check_address(host, port)  # before a build that would be wasted

    if store_url:
        run(None, host=host, port=port, threads=threads, store=_remote(store_url))
        return
    directory = DataDir(data_dir)
    if directory.current() is None:
        click.echo("no graph built yet: building the default graph first", err=True)
        builder.build(directory, progress=_progress)
    run(directory, host=host, port=port, threads=threads)


if __name__ == "__main__":
    main()
