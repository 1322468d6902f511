'use strict';
// A small Markdown renderer that builds DOM nodes and sets only textContent: whatever the model writes shows as
// text, never as HTML or script. Covers paragraphs, headings, lists, fenced code, inline code, bold and italics.
const Markdown = (() => {
  function inline(text, parent) {
    // `code`, **bold**, *italic*; everything else is plain text
    const pattern = /`([^`]+)`|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*/g;
    let last = 0;
    for (const m of text.matchAll(pattern)) {
      if (m.index > last) parent.append(document.createTextNode(text.slice(last, m.index)));
      const el = document.createElement(m[1] !== undefined ? 'code' : m[2] !== undefined ? 'strong' : 'em');
      el.textContent = m[1] ?? m[2] ?? m[3];
      parent.append(el);
      last = m.index + m[0].length;
    }
    if (last < text.length) parent.append(document.createTextNode(text.slice(last)));
  }

  function render(text, parent) {
    const lines = text.split('\n');
    let i = 0;
    while (i < lines.length) {
      const line = lines[i];
      if (line.startsWith('```')) {
        const code = [];
        for (i++; i < lines.length && !lines[i].startsWith('```'); i++) code.push(lines[i]);
        i++;
        const pre = document.createElement('pre');
        const el = document.createElement('code');
        el.textContent = code.join('\n');
        pre.append(el);
        parent.append(pre);
      } else if (/^#{1,6}\s/.test(line)) {
        const level = line.match(/^#+/)[0].length;
        const h = document.createElement('h' + Math.min(level + 2, 6));
        inline(line.replace(/^#+\s*/, ''), h);
        parent.append(h);
        i++;
      } else if (/^\s*([-*]|\d+\.)\s/.test(line)) {
        const ordered = /^\s*\d+\./.test(line);
        const list = document.createElement(ordered ? 'ol' : 'ul');
        for (; i < lines.length && /^\s*([-*]|\d+\.)\s/.test(lines[i]); i++) {
          const li = document.createElement('li');
          inline(lines[i].replace(/^\s*([-*]|\d+\.)\s/, ''), li);
          list.append(li);
        }
        parent.append(list);
      } else if (line.trim() === '') {
        i++;
      } else {
        const para = [];
        for (; i < lines.length && lines[i].trim() !== '' && !lines[i].startsWith('```')
               && !/^#{1,6}\s/.test(lines[i]) && !/^\s*([-*]|\d+\.)\s/.test(lines[i]); i++) para.push(lines[i]);
        const p = document.createElement('p');
        para.forEach((l, k) => {
          if (k > 0) p.append(document.createElement('br'));
          inline(l, p);
        });
        parent.append(p);
      }
    }
  }

  // A reply: each <think>…</think> block (or one still open) collapsed, the rest as Markdown.
  function renderReply(text, parent) {
    parent.replaceChildren();
    let rest = text;
    for (;;) {
      const open = rest.indexOf('<think>');
      if (open < 0) break;
      render(rest.slice(0, open), parent);
      const close = rest.indexOf('</think>', open);
      const details = document.createElement('details');
      const summary = document.createElement('summary');
      summary.textContent = close < 0 ? 'Thinking…' : 'Thoughts';
      details.append(summary, document.createTextNode(rest.slice(open + 7, close < 0 ? rest.length : close).trim()));
      parent.append(details);
      rest = close < 0 ? '' : rest.slice(close + 8);
    }
    render(rest, parent);
  }

  return { render, renderReply };
})();
