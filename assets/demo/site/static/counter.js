/* Demo stub of the CMS counter script: the numbers come from dynclicks.jsp. */
function _jsq_(treeid, pagename, newsid, owner) {}
