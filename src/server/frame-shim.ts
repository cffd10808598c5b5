/**
 * The viewer's frame is sandboxed without same-origin rights, so a bundle's scripts cannot touch
 * the viewer. Pages loaded into it get this script appended: it tells the viewer which page is
 * shown (for the address bar) and hands it links that leave the server (for the off-network page).
 */
const SHIM = `(function(){
function tell(message){try{parent.postMessage(message,'*')}catch(e){}}
tell({ferry:'page',href:location.href,title:document.title});
document.addEventListener('click',function(event){
var link=event.target&&event.target.closest&&event.target.closest('a[href]');if(!link)return;
var url;try{url=new URL(link.href,document.baseURI)}catch(e){return}
if((url.protocol==='http:'||url.protocol==='https:')&&url.host!==location.host){event.preventDefault();tell({ferry:'external',href:url.href})}
},true);
})();`;

const TAG = Buffer.from(`\n<script>${SHIM}</script>\n`);

/** Whether the browser is loading this response into a frame (Fetch Metadata). */
export function isFrameRequest(headers: Record<string, string | string[] | undefined>): boolean {
  return headers['sec-fetch-dest'] === 'iframe';
}

/** The page with the shim after its last byte: parsers run it in the body and keep the doctype. */
export function withShim(html: Buffer): Buffer {
  return Buffer.concat([html, TAG]);
}
