/**
 * The corpora search quality is measured on: real sites of different makers, and the real wikis
 * and books in ../shared/realdata. Debian's python-django-doc is left out on purpose: it is kept
 * for a check this evaluation must never have seen.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CORPORA, prepareCorpus, unpackDebianPackage } from './corpora.js';

export interface QualityCorpus {
  id: string;
  maker: string;
  /** ISO 639-3, as `ferry pack --language` takes it. */
  language: string;
  /** What `ferry pack` is given before `-o`, and the Sphinx inventory when there is one. */
  prepare(work: string, log: (line: string) => void): { source: string[]; inventory?: string };
}

function debianSite(id: string, maker: string, pkg: string, htmlPath: string, language = 'eng'): QualityCorpus {
  return {
    id,
    maker,
    language,
    prepare(work, log) {
      const html = join(unpackDebianPackage(pkg, work, pkg, log), htmlPath);
      const inventory = join(html, 'objects.inv');
      return { source: [html], ...(existsSync(inventory) ? { inventory } : {}) };
    },
  };
}

function realData(repo: string, path: string): string {
  return join(repo, '..', 'shared', 'realdata', path);
}

export function qualityCorpora(repo: string): QualityCorpus[] {
  return [
    {
      id: 'click-docs',
      maker: 'Sphinx 4 (Click)',
      language: 'eng',
      prepare: () => ({
        source: [join(repo, 'samples/click-docs/site')],
        inventory: join(repo, 'samples/click-docs/site/objects.inv'),
      }),
    },
    {
      id: 'python3.11-doc',
      maker: 'Sphinx 5 (Python)',
      language: 'eng',
      prepare: (work, log) => {
        const html = prepareCorpus(CORPORA[0]!, work, log).html;
        return { source: [html], inventory: join(html, 'objects.inv') };
      },
    },
    debianSite('python-flask-doc', 'Sphinx 5 (Flask)', 'python-flask-doc', 'usr/share/doc/python-flask-doc/html'),
    debianSite('postgresql-doc-15', 'DocBook XSL', 'postgresql-doc-15', 'usr/share/doc/postgresql-doc-15/html'),
    debianSite('libjsoncpp-doc', 'Doxygen 1.9', 'libjsoncpp-doc', 'usr/share/doc/libjsoncpp-doc'),
    debianSite('lmdb-doc', 'Doxygen 1.8', 'lmdb-doc', 'usr/share/doc/lmdb-doc/html'),
    debianSite('libcanl-java-doc', 'Javadoc (JDK 11)', 'libcanl-java-doc', 'usr/share/doc/libcanl-java/apidocs'),
    debianSite(
      'libcommons-lang3-java-doc',
      'Javadoc (JDK 17)',
      'libcommons-lang3-java-doc',
      'usr/share/doc/libcommons-lang3-java/api',
    ),
    debianSite('mkdocs-doc', 'MkDocs', 'mkdocs-doc', 'usr/share/doc/mkdocs/html'),
    debianSite(
      'python-djangorestframework-doc',
      'MkDocs (Django REST framework)',
      'python-djangorestframework-doc',
      'usr/share/doc/python3-djangorestframework/html',
    ),
    debianSite('libfftw3-doc', 'Texinfo (makeinfo)', 'libfftw3-doc', 'usr/share/doc/libfftw3-dev/html'),
    debianSite('yard-doc', 'YARD', 'yard-doc', 'usr/share/doc/yard/doc'),
    {
      id: 'enwiki',
      maker: 'MediaWiki (English Wikipedia excerpt)',
      language: 'eng',
      prepare: () => ({
        source: [
          '--kind',
          'mediawiki',
          realData(repo, 'mediawiki/enwiki/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2'),
        ],
      }),
    },
    {
      id: 'nlwiki',
      maker: 'MediaWiki (Dutch Wikipedia sample)',
      language: 'nld',
      prepare: () => ({
        source: ['--kind', 'mediawiki', realData(repo, 'mediawiki/nlwiki/nlwiki-20140927-pages-articles-sample.xml')],
      }),
    },
    {
      id: 'enwiktionary',
      maker: 'MediaWiki (English Wiktionary export)',
      language: 'eng',
      prepare: () => ({
        source: ['--kind', 'mediawiki', realData(repo, 'mediawiki/enwiktionary/test-pages-articles.xml.bz2')],
      }),
    },
    {
      id: 'gutenberg',
      maker: 'Project Gutenberg (32 books, 14 languages)',
      language: 'eng',
      prepare: () => ({ source: ['--kind', 'gutenberg', realData(repo, 'gutenberg/mirror')] }),
    },
  ];
}
