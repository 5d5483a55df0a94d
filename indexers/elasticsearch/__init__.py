"""Elasticsearch: the production index, behind the same small interface as the embedded one.

Layout, for an index prefix P (`ElasticsearchSettings.index_prefix`, "daftar" by default):

    P-files-v<n>   behind the alias P-files   one document per record file, id = file_id
    P-pages-v<n>   behind the alias P-pages   one document per page, id = "<file_id>:<page>"
                                              (page 0 is the file's title, as in the embedded index)

Everything reads and writes through the aliases, so `reindex` can build version n+1 beside version
n and swap both aliases in one atomic call: search never goes dark and a file's address (its
file_id, its file number) never changes. Mappings and settings are index templates kept as data
in `indexers/templates/` (component templates composed into one index template per kind).

Text is analyzed here, in Python, by `indexers.analysis` (folding of Urdu and Hindi letter
variants and marks and of every script's digits, Snowball stemming for English and Hindi), not by
an Elasticsearch analyzer: the official integ-test-zip distribution ships no analysis plugins at
all, and one analysis for both backends means both find exactly the same pages. Each page
document holds its text as OCR read it and its terms; snippets are made from the text in Python
(`indexers.snippets`), as the embedded index makes them.

An index built by an older layout (the page mapping's `_meta.schema_version`) is refused with a
clear IndexUnavailable until `daftar reindex` builds the current one from it: documents wait in
the catalog meanwhile, nothing is lost.

One module per concern:

    documents   what is sent: file and page documents, their ids, the derived fields
    bulk        batches bounded in documents and bytes, sent with retries
    layout      the client, templates, versioned indices behind aliases, reindex and the swap
    index       ElasticsearchIndex: add, search, lookup, count, close
"""

from indexers.elasticsearch.bulk import BulkPolicy
from indexers.elasticsearch.index import ElasticsearchIndex
from indexers.elasticsearch.layout import IndexNames, ReindexReport, connect, load_templates, reindex

__all__ = ["BulkPolicy", "ElasticsearchIndex", "IndexNames", "ReindexReport", "connect", "load_templates", "reindex"]
