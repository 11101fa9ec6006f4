// Measures every slide of a reveal.js deck built by tools/slides.py (driven by tools/slidefit.py).
//
// tools/slidefit.py appends this script to a copy of the deck, after `window.SLIDEFIT = {...}`
// (revealModule: the module the deck requires; minTextPx), opens the copy in headless Chromium
// and reads `window.slidefit`:
//   measured   a Promise of the measurements of every slide;
//   show(h, v) a Promise, resolved once slide h/v is shown with all its fragments and MathJax
//              has rendered it again (for a screenshot);
//   errors     the script errors of the page (for the message when nothing comes back).
// Once the page (images), Reveal and MathJax are ready, each slide is shown in turn, all its
// fragments visible, and measured after MathJax has re-rendered it (the deck's `slidechanged`
// handler queues that), in reveal's logical 1280x720 coordinates: scrollHeight and computed font
// sizes are layout values, untouched by the scale() transform reveal applies to fit the window.
(function () {
  "use strict";
  var config = window.SLIDEFIT;
  var api = { errors: [] };
  window.slidefit = api;
  window.addEventListener("error", function (event) { api.errors.push(String(event.message)); });

  function cellOf(element) {
    var cell = element.closest('[id^="cell-id="]');
    return cell ? cell.id.slice("cell-id=".length) : null;
  }

  function shown(element) {
    return element.getClientRects().length > 0 && getComputedStyle(element).visibility !== "hidden";
  }

  // Text below config.minTextPx, smallest first. Math counts at the size of its formula:
  // sub- and superscripts are smaller by design and follow the size of the formula.
  function smallTexts(slide) {
    var found = [];
    var seen = new Set();
    var walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var text = node.nodeValue.trim();
      var element = node.parentElement;
      if (!text || element.closest("aside.notes, script, style, .MJX_Assistive_MathML")) continue;
      var math = element.closest(".mjx-chtml");
      if (math) {
        if (seen.has(math)) continue;
        seen.add(math);
        element = math;
        var source = math.parentElement && math.parentElement.nextElementSibling;
        text = source && source.tagName === "SCRIPT" ? source.textContent.trim() : text;
      }
      if (!shown(element)) continue;
      var px = parseFloat(getComputedStyle(element).fontSize);
      if (px < config.minTextPx) {
        found.push({ px: px, text: text.replace(/\s+/g, " ").slice(0, 50), cell: cellOf(element) });
      }
    }
    return found.sort(function (a, b) { return a.px - b.px; });
  }

  // PNG outputs: the smallest text of the figure scaled to the size it is shown at.
  function figures(slide) {
    return Array.from(slide.querySelectorAll('img[src^="data:image/png"]'))
      .filter(function (img) { return !img.closest("aside.notes") && shown(img); })
      .map(function (img) {
        var textPx = img.getAttribute("data-slidefit-text-px");
        var scale = img.naturalWidth ? img.offsetWidth / img.naturalWidth : null;
        return {
          cell: cellOf(img),
          shownWidth: img.offsetWidth,
          naturalWidth: img.naturalWidth,
          textPx: textPx === null || scale === null ? null : parseFloat(textPx) * scale,
        };
      });
  }

  // The text a reader sees: no notes, scripts, or MathJax's hidden copies of each formula.
  function visibleText(element) {
    var copy = element.cloneNode(true);
    copy.querySelectorAll(
      "aside.notes, script, style, .MathJax_Preview, .MJX_Assistive_MathML, .anchor-link"
    ).forEach(function (e) { e.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function title(slide) {
    var heading = Array.from(slide.querySelectorAll("h1, h2, h3, h4, h5, h6")).find(function (h) {
      return !h.closest("aside.notes") && visibleText(h);
    });
    var text = visibleText(heading || slide).slice(0, 60);
    return text || (slide.querySelector("img") ? "(figure only)" : "(no text)");
  }

  function measure(Reveal, slide) {
    var indices = Reveal.getIndices(slide);
    var cells = [];
    slide.querySelectorAll('[id^="cell-id="]').forEach(function (cell) {
      if (!cell.closest("aside.notes")) cells.push(cell.id.slice("cell-id=".length));
    });
    var notes = Reveal.getSlideNotes(slide) || "";
    return {
      h: indices.h,
      v: indices.v || 0,
      fragments: slide.querySelectorAll(".fragment").length,
      height: slide.scrollHeight,
      cells: cells,
      title: title(slide),
      smallTexts: smallTexts(slide),
      figures: figures(slide),
      notes: notes.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim().slice(0, 80),
    };
  }

  // The deck's `slidechanged` handler calls MathJax.Hub.Rerender(slide) directly, outside
  // MathJax's queue: its end is only known from the "End Rerender" signal, which names the
  // slide (the re-renderings of slides shown before may still be finishing).
  var waiting = null; // {slide, settled}

  // Show slide h/v with all its fragments; resolve once MathJax has rendered it again and the
  // browser has laid it out.
  function show(Reveal, h, v) {
    return new Promise(function (resolve, reject) {
      var slide = Reveal.getSlide(h, v);
      var timer = setTimeout(function () {
        reject(new Error("MathJax did not render slide " + h + "/" + v + " again within 60 s"));
      }, 60000);
      var settled = function () {
        clearTimeout(timer);
        MathJax.Hub.Queue(function () {
          requestAnimationFrame(function () { requestAnimationFrame(function () { resolve(slide); }); });
        });
      };
      var waitForMath = slide !== Reveal.getCurrentSlide() && MathJax.Hub.getAllJax(slide).length;
      waiting = waitForMath ? { slide: slide, settled: settled } : null;
      Reveal.slide(h, v, 1e6); // a fragment index past the last: every fragment shown
      slide.querySelectorAll(".fragment").forEach(function (f) { f.classList.add("visible"); });
      if (!waitForMath) settled();
    });
  }

  async function measureAll(Reveal) {
    Reveal.configure({ transition: "none", backgroundTransition: "none" });
    var results = [];
    for (var slide of Reveal.getSlides()) {
      var indices = Reveal.getIndices(slide);
      results.push(measure(Reveal, await show(Reveal, indices.h, indices.v || 0)));
    }
    return {
      reveal: Reveal.VERSION,
      scale: Reveal.getScale(),
      viewport: [window.innerWidth, window.innerHeight],
      notesPlugin: Reveal.hasPlugin("notes"),
      totalSlides: Reveal.getTotalSlides(),
      slides: results,
    };
  }

  var loaded = new Promise(function (resolve) {
    if (document.readyState === "complete") resolve();
    else window.addEventListener("load", resolve);
  });
  // The deck's own require() call loads the same module, so this is the deck's Reveal.
  var ready = loaded.then(function () {
    return new Promise(function (resolve, reject) {
      require([config.revealModule], function (Reveal) {
        var typeset = function () { MathJax.Hub.Queue(function () { resolve(Reveal); }); };
        if (Reveal.isReady()) typeset();
        else Reveal.on("ready", typeset);
      }, function (error) { reject(new Error("reveal.js did not load: " + error)); });
    });
  }).then(function (Reveal) {
    MathJax.Hub.Register.MessageHook("End Rerender", function (message) {
      if (waiting && [].concat(message[1]).indexOf(waiting.slide) >= 0) {
        var settled = waiting.settled;
        waiting = null;
        settled();
      }
    });
    // Every font face of the page (MathJax's web fonts too) loaded before the first slide is
    // measured: a font arriving later would change the layout after the measurement.
    var faces = Array.from(document.fonts).map(function (face) {
      return face.load().catch(function () { return null; });
    });
    return Promise.all(faces).then(function () { return Reveal; });
  });
  api.measured = ready.then(measureAll);
  api.show = function (h, v) {
    return api.measured.then(function () { return ready; }).then(function (Reveal) {
      return show(Reveal, h, v).then(function () { return null; });
    });
  };
})();
