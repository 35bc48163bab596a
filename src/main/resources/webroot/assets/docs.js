'use strict';

/*
 * Renders the server's OpenAPI document as a readable reference: tags, operations, parameters,
 * bodies, responses and schemas. Plain DOM, no libraries, no build step. Every string from the
 * document reaches the page as a text node (never as HTML), and nothing is styled inline, so the
 * page runs under the server's strict Content-Security-Policy.
 */
(() => {
  const DOCUMENT_URL = '/api/v1/openapi.yaml';
  const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
  /** Wide enough for the contents to sit beside the reference, open. Must match docs.css. */
  const WIDE_SCREEN = '(min-width: 60rem)';
  /** Nested schemas deeper than this are left as links: no real body nests deeper. */
  const MAX_DEPTH = 8;
  const REASONS = {
    200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized',
    403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Content Too Large', 415: 'Unsupported Media Type',
    422: 'Unprocessable Content', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
  };

  /** Builds an element; children that are not nodes become text nodes. */
  function h(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined && value !== false) {
        element.setAttribute(name, value === true ? '' : String(value));
      }
    }
    for (const child of children.flat(Infinity)) {
      if (child !== null && child !== undefined && child !== false) {
        element.append(child instanceof Node ? child : document.createTextNode(String(child)));
      }
    }
    return element;
  }

  /** `code` spans in descriptions become <code>; everything else stays text. */
  function inline(text) {
    return String(text).split('`').map((part, i) => (i % 2 === 1 ? h('code', null, part) : part));
  }

  /** Blank lines separate paragraphs; a paragraph made of "- " lines is a list. */
  function prose(text) {
    if (!text) {
      return null;
    }
    const blocks = String(text).trim().split(/\n\s*\n/).map((block) => {
      const lines = block.split('\n').map((line) => line.trim());
      if (lines.every((line) => line.startsWith('- '))) {
        return h('ul', null, lines.map((line) => h('li', null, inline(line.slice(2)))));
      }
      return h('p', null, inline(lines.join(' ')));
    });
    return h('div', { class: 'prose' }, blocks);
  }

  function anchor(prefix, name) {
    return `${prefix}-${String(name).replace(/[^A-Za-z0-9_-]+/g, '-')}`;
  }

  function exampleBlock(label, value) {
    return h('details', { class: 'example' },
      h('summary', null, label),
      h('pre', { tabindex: '0' }, h('code', null,
        typeof value === 'string' ? value : JSON.stringify(value, null, 2))));
  }

  function methodBadge(method) {
    return h('span', { class: `method method-${method}` }, method.toUpperCase());
  }

  /** Knows the document: resolves $ref and turns schemas into nested field lists. */
  class Reference {
    constructor(doc) {
      this.doc = doc;
    }

    pointer(ref) {
      if (!ref.startsWith('#/')) {
        return undefined;
      }
      return ref.slice(2).split('/')
        .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce((node, key) => (node === undefined || node === null ? undefined : node[key]), this.doc);
    }

    /** Follows $ref chains; siblings of a $ref (3.1 allows a description there) win over the target. */
    resolve(node) {
      let current = node;
      const seen = new Set();
      while (current && typeof current.$ref === 'string' && !seen.has(current.$ref)) {
        seen.add(current.$ref);
        const { $ref, ...siblings } = current;
        current = { ...(this.pointer($ref) || {}), ...siblings };
      }
      return current || {};
    }

    schemaLink(ref) {
      const name = ref.split('/').pop();
      return ref.startsWith('#/components/schemas/') ? h('a', { href: `#${anchor('schema', name)}` }, name) : name;
    }

    /** "string (date-time)", "array of Event", "Gateway or null", with links to named schemas. */
    typeText(schema) {
      if (!schema) {
        return ['any'];
      }
      if (schema.$ref) {
        return [this.schemaLink(schema.$ref)];
      }
      const alternatives = schema.oneOf || schema.anyOf;
      if (alternatives) {
        return this.joined(alternatives, ' or ');
      }
      if (schema.allOf) {
        return this.joined(schema.allOf, ' and ');
      }
      const types = [].concat(schema.type || (schema.properties ? 'object' : []));
      if (types.length === 0) {
        return [schema.const !== undefined ? typeof schema.const : 'any'];
      }
      return types.flatMap((type, i) => [i > 0 ? ' or ' : null, ...this.singleType(type, schema)]);
    }

    /** A named simple schema with what it is: "Timestamp: string (date-time)"; anything else as typeText. */
    describedType(schema) {
      const target = schema && schema.$ref ? this.resolve(schema) : null;
      if (target && target.type && !this.hasFields(target)) {
        const { description, ...plain } = target;
        return [this.schemaLink(schema.$ref), ': ', ...this.typeText(plain)];
      }
      return this.typeText(schema);
    }

    joined(schemas, separator) {
      return schemas.flatMap((part, i) => [i > 0 ? separator : null, ...this.typeText(part)]);
    }

    singleType(type, schema) {
      if (type === 'array') {
        return ['array of ', ...this.typeText(schema.items)];
      }
      if (type === 'object' && !schema.properties && typeof schema.additionalProperties === 'object') {
        return ['map of ', ...this.typeText(schema.additionalProperties)];
      }
      return [schema.format && type === 'string' ? `string (${schema.format})` : type];
    }

    /** The rules a value must follow, as short phrases. */
    constraints(schema) {
      const s = schema;
      const rules = [];
      const range = (min, max, unit) => {
        if (min !== undefined && max !== undefined) {
          rules.push(`${min} to ${max}${unit}`);
        } else if (min !== undefined) {
          rules.push(`at least ${min}${unit}`);
        } else if (max !== undefined) {
          rules.push(`at most ${max}${unit}`);
        }
      };
      if (s.enum) {
        rules.push(['one of ', s.enum.flatMap((v, i) => [i > 0 ? ', ' : null, h('code', null, JSON.stringify(v))])]);
      }
      if (s.const !== undefined) {
        rules.push(['always ', h('code', null, JSON.stringify(s.const))]);
      }
      range(s.minLength, s.maxLength, ' characters');
      range(s.minimum, s.maximum, '');
      range(s.minItems, s.maxItems, ' items');
      range(s.minProperties, s.maxProperties, ' entries');
      if (s.pattern) {
        rules.push(['matches ', h('code', null, s.pattern)]);
      }
      if (s.propertyNames && s.propertyNames.pattern) {
        rules.push(['keys match ', h('code', null, s.propertyNames.pattern)]);
      }
      if (s.default !== undefined) {
        rules.push(['default ', h('code', null, JSON.stringify(s.default))]);
      }
      if (s.writeOnly) {
        rules.push('never returned');
      }
      return rules;
    }

    /** Constraints of the schema and of the simple alternatives it allows (Gateway or null: the gateways). */
    allConstraints(schema) {
      const resolved = this.resolve(schema);
      const alternatives = (resolved.oneOf || resolved.anyOf || []).map((part) => this.resolve(part))
        .filter((part) => !this.hasFields(part));
      return [resolved, ...alternatives].flatMap((part) => this.constraints(part));
    }

    hasFields(schema) {
      return Boolean(schema.properties || schema.allOf);
    }

    /**
     * One schema as a block: its type, rules and description, then its fields or alternatives.
     * The description of an inline schema is its field's, shown there; a named one brings its own.
     */
    schemaBlock(schema, trail = [], withDescription = Boolean(schema.$ref)) {
      const resolved = this.resolve(schema);
      const rules = this.allConstraints(schema);
      return h('div', { class: 'schema' },
        h('p', { class: 'schema-type' }, h('span', { class: 'type' }, this.describedType(schema)),
          rules.length ? [' · ', this.ruleList(rules)] : null),
        withDescription ? prose(resolved.description) : null,
        this.children(schema, trail));
    }

    ruleList(rules) {
      return h('span', { class: 'rules' }, rules.flatMap((rule, i) => [i > 0 ? '; ' : null, rule]));
    }

    /** What is inside a schema: fields, item fields, alternatives, map values; null for a plain value. */
    children(schema, trail) {
      const ref = schema && schema.$ref;
      if (ref && (trail.includes(ref) || trail.length >= MAX_DEPTH)) {
        return null;
      }
      const nextTrail = ref ? [...trail, ref] : trail;
      const resolved = this.resolve(schema);
      if (resolved.allOf) {
        return this.fieldList(this.merged(resolved.allOf), nextTrail);
      }
      if (resolved.properties) {
        return this.fieldList(resolved, nextTrail);
      }
      const alternatives = resolved.oneOf || resolved.anyOf;
      if (alternatives) {
        return this.alternatives(alternatives, nextTrail);
      }
      if (resolved.items) {
        return this.children(resolved.items, nextTrail);
      }
      if (typeof resolved.additionalProperties === 'object') {
        return this.children(resolved.additionalProperties, nextTrail);
      }
      return null;
    }

    merged(parts) {
      return parts.map((part) => this.resolve(part)).reduce((all, part) => ({
        properties: { ...all.properties, ...part.properties },
        required: [...all.required, ...(part.required || [])],
      }), { properties: {}, required: [] });
    }

    alternatives(parts, trail) {
      const withFields = parts.filter((part) => this.hasFields(this.resolve(part)));
      if (withFields.length === 0) {
        return null;
      }
      return h('div', { class: 'alternatives' }, h('p', null, 'One of:'),
        h('ol', null, withFields.map((part) => h('li', null, this.schemaBlock(part, trail)))));
    }

    fieldList(schema, trail) {
      const required = new Set(schema.required || []);
      const fields = Object.entries(schema.properties || {});
      const list = h('ul', { class: 'fields' },
        fields.map(([name, field]) => this.fieldItem(name, field, required.has(name), trail)));
      return h('div', null, list, this.conditions(schema));
    }

    fieldItem(name, field, required, trail) {
      const resolved = this.resolve(field);
      const rules = this.allConstraints(field);
      const nested = this.children(field, trail);
      const alternatives = resolved.oneOf || resolved.anyOf || [];
      const named = field.$ref || (resolved.items && resolved.items.$ref) || alternatives.some((part) => part.$ref);
      return h('li', { class: 'field' },
        h('div', { class: 'field-head' },
          h('code', { class: 'field-name' }, name), ' ',
          h('span', { class: 'type' }, this.describedType(field)),
          required ? h('span', { class: 'badge required' }, 'required') : h('span', { class: 'badge' }, 'optional')),
        rules.length ? h('p', { class: 'field-rules' }, this.ruleList(rules)) : null,
        prose(resolved.description),
        nested && named ? h('details', { class: 'nested' }, h('summary', null, `Fields of ${name}`), nested) : nested);
    }

    /** JSON Schema if/then, as in "when failoverUsed is true, recoveryTimeMs is required". */
    conditions(schema) {
      if (!schema.if || !schema.then || !schema.then.required) {
        return null;
      }
      const when = Object.entries(schema.if.properties || {})
        .filter(([, rule]) => rule.const !== undefined)
        .flatMap(([name, rule], i) => [i > 0 ? ' and ' : null, h('code', null, name), ' is ',
          h('code', null, JSON.stringify(rule.const))]);
      const then = schema.then.required.flatMap((name, i) => [i > 0 ? ', ' : null, h('code', null, name)]);
      return h('p', { class: 'condition' }, 'When ', when, ', also required: ', then, '.');
    }
  }

  /** Lays out the whole page from the document. */
  class Page {
    constructor(doc) {
      this.doc = doc;
      this.ref = new Reference(doc);
    }

    operationsByTag() {
      const groups = new Map((this.doc.tags || []).map((tag) => [tag.name, { tag, operations: [] }]));
      for (const [path, item] of Object.entries(this.doc.paths || {})) {
        for (const method of METHODS.filter((m) => item[m])) {
          const operation = { path, method, item, op: item[method] };
          for (const name of operation.op.tags || ['Other']) {
            if (!groups.has(name)) {
              groups.set(name, { tag: { name }, operations: [] });
            }
            groups.get(name).operations.push(operation);
          }
        }
      }
      return [...groups.values()].filter((group) => group.operations.length > 0);
    }

    operationId(operation) {
      return anchor('op', operation.op.operationId || `${operation.method}-${operation.path}`);
    }

    render(main, nav, status) {
      const info = this.doc.info || {};
      document.title = `${info.title || 'API'}: API reference`;
      document.getElementById('doc-title').textContent = `${info.title || 'API'} API reference`;
      const groups = this.operationsByTag();
      status.textContent = 'The API reference is loaded.';
      status.classList.add('visually-hidden');
      main.replaceChildren(status, this.overview(info), this.authentication(),
        ...groups.map((group) => this.tagSection(group)), this.schemas());
      nav.replaceChildren(this.contents(groups));
    }

    contents(groups) {
      const schemaNames = Object.keys((this.doc.components || {}).schemas || {});
      return h('ul', null,
        h('li', null, h('a', { href: '#overview' }, 'Overview')),
        h('li', null, h('a', { href: '#authentication' }, 'Authentication')),
        groups.map((group) => h('li', null,
          h('a', { href: `#${anchor('tag', group.tag.name)}` }, group.tag.name),
          h('ul', null, group.operations.map((operation) => h('li', null,
            h('a', { href: `#${this.operationId(operation)}` }, methodBadge(operation.method), ' ',
              h('span', { class: 'path' }, operation.path))))))),
        h('li', null, h('a', { href: '#schemas' }, 'Schemas'),
          h('ul', null, schemaNames.map((name) => h('li', null, h('a', { href: `#${anchor('schema', name)}` }, name))))));
    }

    overview(info) {
      const servers = (this.doc.servers || []).map((server) => h('li', null, h('code', null, server.url),
        server.description ? ` (${server.description})` : null));
      return h('section', { id: 'overview', 'aria-labelledby': 'overview-title' },
        h('h2', { id: 'overview-title' }, 'Overview'),
        h('p', { class: 'version' }, `Version ${info.version || '?'} · OpenAPI ${this.doc.openapi || '?'}`),
        info.summary ? h('p', { class: 'summary' }, inline(info.summary)) : null,
        prose(info.description),
        servers.length ? [h('h3', null, 'Servers'), h('ul', null, servers)] : null);
    }

    authentication() {
      const schemes = Object.entries((this.doc.components || {}).securitySchemes || {});
      return h('section', { id: 'authentication', 'aria-labelledby': 'authentication-title' },
        h('h2', { id: 'authentication-title' }, 'Authentication'),
        h('dl', { class: 'schemes' }, schemes.map(([name, scheme]) => [
          h('dt', { id: anchor('scheme', name) }, h('code', null, name), ' ', this.schemeKind(scheme)),
          h('dd', null, prose(scheme.description))])));
    }

    schemeKind(scheme) {
      if (scheme.type === 'http') {
        return `HTTP ${scheme.scheme}${scheme.bearerFormat ? ` (${scheme.bearerFormat})` : ''}`;
      }
      return scheme.type;
    }

    tagSection(group) {
      const id = anchor('tag', group.tag.name);
      return h('section', { id, class: 'tag', 'aria-labelledby': `${id}-title` },
        h('h2', { id: `${id}-title` }, group.tag.name),
        prose(group.tag.description),
        group.operations.map((operation) => this.operation(operation)));
    }

    operation(operation) {
      const { op, method, path } = operation;
      const id = this.operationId(operation);
      return h('article', { id, class: 'operation', 'aria-labelledby': `${id}-title` },
        h('h3', { id: `${id}-title` }, methodBadge(method), ' ', h('code', { class: 'path' }, path),
          op.summary ? h('span', { class: 'op-summary' }, ` ${op.summary}`) : null),
        op.operationId ? h('p', { class: 'operation-id' }, 'operationId ', h('code', null, op.operationId)) : null,
        prose(op.description),
        this.security(op),
        this.parameters([...(operation.item.parameters || []), ...(op.parameters || [])]),
        this.requestBody(op.requestBody),
        this.responses(op.responses || {}));
    }

    security(op) {
      const requirements = op.security || this.doc.security || [];
      const options = requirements.filter((requirement) => Object.keys(requirement).length > 0);
      const text = options.length === 0 ? ['none']
        : options.flatMap((requirement, i) => [i > 0 ? ' or ' : null,
          Object.keys(requirement).flatMap((name, j) => [j > 0 ? ' and ' : null,
            h('a', { href: `#${anchor('scheme', name)}` }, name)])]);
      return h('p', { class: 'security' }, h('strong', null, 'Authentication: '), text);
    }

    /** Operation parameters override path-level ones with the same name and location. */
    parameters(list) {
      const byKey = new Map();
      list.map((parameter) => this.ref.resolve(parameter))
        .forEach((parameter) => byKey.set(`${parameter.in}:${parameter.name}`, parameter));
      if (byKey.size === 0) {
        return null;
      }
      const rows = [...byKey.values()].map((p) => {
        const rules = this.ref.allConstraints(p.schema || {});
        return h('tr', null,
          h('th', { scope: 'row' }, h('code', null, p.name)),
          h('td', null, p.in),
          h('td', null, this.ref.describedType(p.schema)),
          h('td', null, p.required ? 'yes' : 'no'),
          h('td', null, rules.length ? h('p', { class: 'field-rules' }, this.ref.ruleList(rules)) : null,
            prose(p.description), p.example !== undefined ? h('p', null, 'e.g. ', h('code', null, String(p.example))) : null));
      });
      return [h('h4', null, 'Parameters'),
        h('div', { class: 'table-scroll', role: 'region', 'aria-label': 'Parameters', tabindex: '0' },
          h('table', null,
            h('thead', null, h('tr', null, ['Name', 'In', 'Type', 'Required', 'Description']
              .map((label) => h('th', { scope: 'col' }, label)))),
            h('tbody', null, rows)))];
    }

    requestBody(body) {
      if (!body) {
        return null;
      }
      const resolved = this.ref.resolve(body);
      return [h('h4', null, 'Request body'),
        h('p', null, resolved.required ? 'Required.' : 'Optional.'),
        prose(resolved.description),
        this.content(resolved.content, true)];
    }

    content(content, open) {
      return Object.entries(content || {}).map(([mediaType, media]) => h('div', { class: 'media' },
        h('p', { class: 'media-type' }, h('code', null, mediaType)),
        media.schema ? this.schemaDetails(media.schema, open) : null,
        media.example !== undefined ? exampleBlock('Example', media.example) : null,
        Object.entries(media.examples || {}).map(([name, example]) => {
          const value = this.ref.resolve(example);
          return exampleBlock(`Example: ${value.summary || name}`, value.value);
        })));
    }

    /** Success bodies are shown open; error bodies (the same Problem everywhere) start folded. */
    schemaDetails(schema, open) {
      const details = h('details', { class: 'schema-details' },
        h('summary', null, 'Schema'),
        this.ref.schemaBlock(schema));
      details.open = open;
      return details;
    }

    responses(responses) {
      return [h('h4', null, 'Responses'), Object.entries(responses).map(([status, response]) => {
        const resolved = this.ref.resolve(response);
        const kind = `status-${String(status).charAt(0)}xx`;
        return h('section', { class: 'response' },
          h('h5', null, h('span', { class: `status ${kind}` }, status), ' ', REASONS[status] || ''),
          prose(resolved.description),
          this.headers(resolved.headers),
          this.content(resolved.content, String(status).startsWith('2')));
      })];
    }

    headers(headers) {
      const entries = Object.entries(headers || {});
      if (entries.length === 0) {
        return null;
      }
      return h('details', { class: 'headers' }, h('summary', null, `Headers (${entries.length})`),
        h('dl', null, entries.map(([name, header]) => {
          const resolved = this.ref.resolve(header);
          return [h('dt', null, h('code', null, name), ' ', h('span', { class: 'type' }, this.ref.typeText(resolved.schema))),
            h('dd', null, prose(resolved.description))];
        })));
    }

    schemas() {
      const schemas = Object.entries((this.doc.components || {}).schemas || {});
      return h('section', { id: 'schemas', 'aria-labelledby': 'schemas-title' },
        h('h2', { id: 'schemas-title' }, 'Schemas'),
        schemas.map(([name, schema]) => {
          const id = anchor('schema', name);
          // The definition itself on the trail: a schema that contains itself is linked, not expanded.
          return h('section', { id, class: 'schema-definition', 'aria-labelledby': `${id}-title` },
            h('h3', { id: `${id}-title` }, name),
            this.ref.schemaBlock(schema, [`#/components/schemas/${name}`], true));
        }));
    }
  }

  function showFailure(status, error) {
    status.setAttribute('role', 'alert');
    status.classList.add('failed');
    status.textContent = `The API description could not be loaded (${error.message}). `;
    status.append(h('a', { href: DOCUMENT_URL }, 'Open the OpenAPI document'), ' instead.');
  }

  async function start() {
    const main = document.getElementById('content');
    const status = document.getElementById('load-status');
    const toc = document.getElementById('toc');
    toc.open = window.matchMedia(WIDE_SCREEN).matches;
    try {
      const response = await fetch(DOCUMENT_URL, { headers: { Accept: 'application/json' } });
      if (!response.ok) {
        throw new Error(`HTTP ${response.status}`);
      }
      new Page(await response.json()).render(main, document.getElementById('toc-nav'), status);
      if (window.location.hash) {
        const target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
        if (target) {
          target.scrollIntoView();
        }
      }
    } catch (error) {
      showFailure(status, error);
    }
  }

  start();
})();
