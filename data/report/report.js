/*
** report.js -- the script of the page `dateline report` writes: draws
** every section from DATA (the store's numbers) with the d3 bundle and
** WORLD (world-atlas TopoJSON) inlined before it. Linked into the CLI by
** tools/dateline/report_assets.c; part of dateline, same licence.
*/
(function(){
var D=DATA,W=1060;
function el(id){return d3.select('#'+id);}
function fmt(n){return n==null?'':(+n).toLocaleString('en');}
function table(sel,head,rows){var d=sel.append('details');d.append('summary').text('table');var t=d.append('table');t.append('tr').selectAll('th').data(head).enter().append('th').text(function(x){return x;});rows.forEach(function(r){var tr=t.append('tr');r.forEach(function(c){tr.append('td').attr('class',typeof c==='number'?'n':null).text(typeof c==='number'?fmt(c):c);});});}
var s=D.summary;el('sum').html('');
[['articles',s.articles],['entities',s.entities],['quotes',s.quotes],['places',s.places],['events',s.events]].forEach(function(p){var x=el('sum').append('span');x.append('b').text(fmt(p[1]));x.append('span').text(' '+p[0]);});
el('sum').append('div').attr('class','note').text((s.first?'from '+s.first+' to '+s.last+'. ':'')+'Store: '+D.db+', written '+D.generated+' by dateline '+D.version+'.');
(function(){var p=d3.timeParse('%Y-%m-%d'),a=D.timeline.map(function(r){return {d:p(r[0]),n:r[1]};}).filter(function(r){return r.d;}),e=D.events_timeline.map(function(r){return {d:p(r[0]),n:r[1]};}).filter(function(r){return r.d;});var sel=el('timeline');
if(!a.length){sel.append('p').attr('class','note').text('No dated articles.');return;}
var h=220,m={l:50,r:50,t:10,b:30},all=a.concat(e),x=d3.scaleTime().domain(d3.extent(all,function(r){return r.d;})).range([m.l,W-m.r]);x.domain([x.domain()[0],d3.timeDay.offset(x.domain()[1],1)]);
var y=d3.scaleLinear().domain([0,d3.max(a,function(r){return r.n;})]).nice().range([h-m.b,m.t]),svg=sel.append('svg').attr('viewBox','0 0 '+W+' '+h);var bw=Math.max(1,(W-m.l-m.r)/Math.max(1,d3.timeDay.count(x.domain()[0],x.domain()[1]))-0.5);
svg.append('g').selectAll('rect').data(a).enter().append('rect').attr('x',function(r){return x(r.d);}).attr('width',bw).attr('y',function(r){return y(r.n);}).attr('height',function(r){return y(0)-y(r.n);}).attr('fill','#4e79a7').append('title').text(function(r){return d3.timeFormat('%Y-%m-%d')(r.d)+': '+r.n+' articles';});
svg.append('g').attr('class','axis').attr('transform','translate(0,'+(h-m.b)+')').call(d3.axisBottom(x));svg.append('g').attr('class','axis').attr('transform','translate('+m.l+',0)').call(d3.axisLeft(y).ticks(5));
if(e.length){var y2=d3.scaleLinear().domain([0,d3.max(e,function(r){return r.n;})]).nice().range([h-m.b,m.t]);svg.append('g').selectAll('circle').data(e).enter().append('circle').attr('cx',function(r){return x(r.d)+bw/2;}).attr('cy',function(r){return y2(r.n);}).attr('r',2).attr('fill','#e15759').append('title').text(function(r){return d3.timeFormat('%Y-%m-%d')(r.d)+': '+r.n+' events';});svg.append('g').attr('class','axis').attr('transform','translate('+(W-m.r)+',0)').call(d3.axisLeft(y2).ticks(5)).selectAll('text').attr('fill','#e15759').attr('x',30);}
sel.append('div').attr('class','note').text('Bars: articles per day (left axis). Red dots: events per day (right axis)'+(e.length?'.':', none in this store.'));
table(sel,['day','articles'],D.timeline);})();
(function(){var sel=el('map'),h=520,pr=d3.geoNaturalEarth1().fitSize([W,h],{type:'Sphere'}),path=d3.geoPath(pr),svg=sel.append('svg').attr('viewBox','0 0 '+W+' '+h);svg.append('path').datum({type:'Sphere'}).attr('d',path).attr('fill','#eef4f8');
var cc={};D.countries.forEach(function(r){cc[r[0]]=r[1];});
svg.append('g').selectAll('path').data(d3.feature(WORLD,WORLD.objects.countries).features).enter().append('path').attr('d',path).attr('fill','#ddd').attr('stroke','#fff').attr('stroke-width',0.5);
var pl=D.places.filter(function(r){return r[1]!=null&&r[2]!=null;}),mx=d3.max(pl,function(r){return r[4];})||1,rr=d3.scaleSqrt().domain([0,mx]).range([0,18]);
svg.append('g').selectAll('circle').data(pl).enter().append('circle').attr('transform',function(r){var p=pr([r[2],r[1]]);return 'translate('+p[0]+','+p[1]+')';}).attr('r',function(r){return Math.max(1.5,rr(r[4]));}).attr('fill','#e15759').attr('fill-opacity',0.5).attr('stroke','#a33').append('title').text(function(r){return r[0]+(r[3]?' ('+r[3]+')':'')+': '+r[4]+' articles';});
if(!pl.length)sel.append('p').attr('class','note').text('No geocoded places in this store.');
table(sel,['place','lat','lon','country','articles'],D.places);table(sel,['country','articles'],D.countries);})();
function bars(id,rows,color,what){var sel=el(id);if(!rows.length){sel.append('p').attr('class','note').text('None.');return;}var bh=18,w=520,h=rows.length*bh+10,x=d3.scaleLinear().domain([0,d3.max(rows,function(r){return r[1];})]).range([0,w-230]),svg=sel.append('svg').attr('viewBox','0 0 '+w+' '+h);var g=svg.selectAll('g').data(rows).enter().append('g').attr('transform',function(r,i){return 'translate(0,'+(i*bh)+')';});g.append('text').attr('x',170).attr('y',13).attr('text-anchor','end').text(function(r){return r[0].length>28?r[0].slice(0,27)+'\u2026':r[0];});g.append('rect').attr('x',175).attr('y',3).attr('height',bh-5).attr('width',function(r){return x(r[1]);}).attr('fill',color);g.append('text').attr('x',function(r){return 180+x(r[1]);}).attr('y',13).attr('font-size',11).text(function(r){return fmt(r[1]);});table(sel,['name',what].concat(rows[0].length>2?['quotes']:[]),rows);}
bars('people',D.people,'#4e79a7','articles');bars('orgs',D.orgs,'#f28e2b','articles');
(function(){var q=D.quotes,sel=el('quotes');if(!q.cells.length){sel.append('p').attr('class','note').text('No quotations with a known speaker.');return;}var m={};q.cells.forEach(function(c){m[c[0]+','+c[1]]=c[2];});var mx=d3.max(q.cells,function(c){return c[2];}),col=d3.scaleLinear().domain([0,mx]).range(['#f4f8fb','#2b6a99']);
var t=sel.append('table').attr('class','hm'),hr=t.append('tr');hr.append('th').text('outlet \\ speaker');q.speakers.forEach(function(s){hr.append('th').attr('class','v').text(s);});
q.outlets.forEach(function(o,i){var tr=t.append('tr');tr.append('th').text(o);q.speakers.forEach(function(s,j){var n=m[i+','+j]||0;tr.append('td').style('background',n?col(n):null).style('color',n>mx/2?'#fff':'#222').attr('title',o+' quotes '+s+': '+n).text(n||'');});});
sel.append('div').attr('class','note').text('Quotations per outlet (the articles\' source) and speaker, for the most quoted speakers.');})();
(function(){var g=D.graph,sel=el('graph');if(!g.nodes.length){sel.append('p').attr('class','note').text('No entities.');return;}var h=620,nodes=g.nodes.map(function(n){return {name:n[0],type:n[1],n:n[2]};}),links=g.links.map(function(l){return {source:l[0],target:l[1],n:l[2]};}),mx=d3.max(nodes,function(n){return n.n;}),lm=d3.max(links,function(l){return l.n;})||1,r=d3.scaleSqrt().domain([0,mx]).range([3,22]),col=d3.scaleOrdinal(d3.schemeTableau10);
var svg=sel.append('svg').attr('viewBox','0 0 '+W+' '+h),L=svg.append('g').selectAll('line').data(links).enter().append('line').attr('stroke','#999').attr('stroke-opacity',function(l){return 0.15+0.6*l.n/lm;}).attr('stroke-width',function(l){return 0.5+3*l.n/lm;});
var N=svg.append('g').selectAll('g').data(nodes).enter().append('g');N.append('circle').attr('r',function(n){return r(n.n);}).attr('fill',function(n){return col(n.type);}).attr('stroke','#fff');N.append('text').attr('font-size',10).attr('x',function(n){return r(n.n)+2;}).attr('y',3).text(function(n){return n.name;});N.append('title').text(function(n){return n.name+' ('+n.type+'): '+n.n+' articles';});
var sim=d3.forceSimulation(nodes).force('link',d3.forceLink(links).distance(function(l){return 160-100*l.n/lm;})).force('charge',d3.forceManyBody().strength(-160)).force('center',d3.forceCenter(W/2,h/2)).force('collide',d3.forceCollide(function(n){return r(n.n)+4;})).stop();for(var i=0;i<300;i++)sim.tick();
nodes.forEach(function(n){n.x=Math.max(20,Math.min(W-120,n.x));n.y=Math.max(20,Math.min(h-20,n.y));});
L.attr('x1',function(l){return l.source.x;}).attr('y1',function(l){return l.source.y;}).attr('x2',function(l){return l.target.x;}).attr('y2',function(l){return l.target.y;});N.attr('transform',function(n){return 'translate('+n.x+','+n.y+')';});
var lg=svg.append('g').attr('transform','translate(10,10)');col.domain().forEach(function(t,i){lg.append('circle').attr('cx',5).attr('cy',i*16+5).attr('r',5).attr('fill',col(t));lg.append('text').attr('x',14).attr('y',i*16+9).attr('font-size',11).text(t);});
sel.append('div').attr('class','note').text('The '+nodes.length+' entities named in most articles; a line joins two named in the same article (thicker: more often), counted over the latest '+fmt(g.window)+' articles.');table(sel,['entity','entity','articles'],g.links.map(function(l){return [g.nodes[l[0]][0],g.nodes[l[1]][0],l[2]];}));})();
if(D.themes.length){var th=el('themes');th.append('h2').text('Top themes');bars('themes',D.themes.map(function(r){return [r[1]||r[0],r[2]];}),'#59a14f','articles');}
})();
