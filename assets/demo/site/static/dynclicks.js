/* Demo stub of the CMS click-count script. */
function _showDynClicks(clicktype, owner, clickid) {
  var id = "dynclicks_" + clicktype + "_" + clickid;
  document.write('<span id="' + id + '"></span>');
  var x = new XMLHttpRequest();
  x.open("GET", "/system/resource/code/news/click/dynclicks.jsp?clickid=" + clickid + "&owner=" + owner + "&clicktype=" + clicktype, true);
  x.onload = function () { document.getElementById(id).innerHTML = x.responseText.trim(); };
  x.send();
}
function _showDynClickBatch(spans, ids, clicktype, owner) {
  var x = new XMLHttpRequest();
  x.open("GET", "/system/resource/code/news/click/dynclicksbatch.jsp?clickids=" + ids.join(",") + "&owner=" + owner + "&clicktype=" + clicktype, true);
  x.onload = function () {
    var counts = x.responseText.split(",");
    for (var i = 0; i < spans.length; i++) {
      var el = document.getElementById(spans[i]);
      if (el) { el.innerHTML = counts[i]; }
    }
  };
  x.send();
}
