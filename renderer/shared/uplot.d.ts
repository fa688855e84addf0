// The chart library's types, for the pages' type check: the page loads uPlot's own ES module, which
// the core serves from node_modules/uplot (see static-files.ts).
import uPlot from 'uplot';
export default uPlot;
