import { formatBytes } from '../format.js';
import { escapeHtml } from '../search/snippet.js';

export interface StickBundle {
  fileName: string;
  title: string;
  language: string;
  size: number;
  /** The files on the stick, relative to its top: the bundle, or its parts. */
  files: string[];
}

interface Words {
  lang: string;
  dir?: 'rtl';
  heading: string;
  about: string;
  reader: string;
  withFerry: string;
  withoutFerry: string;
  parts: string;
  check: string;
}

/** Short enough to translate by hand; a command line reads the same in every language. */
const TEXTS: Words[] = [
  {
    lang: 'en',
    reader:
      'With only a web browser: open <code>ferry-reader.html</code> (in a current Chrome, Edge or Firefox) and pick a bundle, or all the parts of one. It shows the pages, their images and links, and finds pages by their title or their text; nothing is installed and nothing is sent anywhere.',
    heading: 'Offline collections',
    about: 'This stick carries collections of web pages (bundles) that can be read without any network.',
    withFerry:
      'With ferry installed: run <code>ferry serve bundles</code> in this folder and open the address it prints in any browser, on this computer or on others of the same network.',
    withoutFerry:
      'Without ferry: a <code>.ferry</code> file is a ZIP archive. Copy it, rename it to <code>.zip</code> and open it; the pages are in its <code>content</code> folder.',
    parts:
      'A bundle cut into parts (<code>.part001</code>, <code>.part002</code>, …) must be joined first: <code>copy /b A.ferry.part001+A.ferry.part002 A.ferry</code> on Windows, <code>cat A.ferry.part* &gt; A.ferry</code> elsewhere. ferry reads the parts as they are.',
    check:
      "To check that nothing was damaged in copying: <code>sha256sum -c SHA256SUMS</code>, or <code>ferry verify</code> followed by the stick's folder.",
  },
  {
    lang: 'fr',
    reader:
      'Avec un simple navigateur : ouvrez <code>ferry-reader.html</code> (dans un Chrome, Edge ou Firefox récent) et choisissez un bundle, ou toutes ses parties. Il affiche les pages, leurs images et leurs liens, et trouve les pages par leur titre ou leur texte ; rien n’est installé ni envoyé.',
    heading: 'Collections hors ligne',
    about: 'Cette clé contient des collections de pages web (bundles) lisibles sans aucun réseau.',
    withFerry:
      'Avec ferry installé : lancez <code>ferry serve bundles</code> dans ce dossier et ouvrez l’adresse affichée dans un navigateur, sur cet ordinateur ou sur un autre du même réseau.',
    withoutFerry:
      'Sans ferry : un fichier <code>.ferry</code> est une archive ZIP. Copiez-le, renommez-le en <code>.zip</code> et ouvrez-le ; les pages sont dans son dossier <code>content</code>.',
    parts:
      'Un bundle coupé en parties (<code>.part001</code>, <code>.part002</code>, …) doit d’abord être réassemblé : <code>copy /b A.ferry.part001+A.ferry.part002 A.ferry</code> sous Windows, <code>cat A.ferry.part* &gt; A.ferry</code> ailleurs.',
    check:
      'Pour vérifier qu’une copie n’a rien abîmé : <code>sha256sum -c SHA256SUMS</code>, ou <code>ferry verify</code> suivi du dossier de la clé.',
  },
  {
    lang: 'es',
    reader:
      'Solo con un navegador: abra <code>ferry-reader.html</code> (en un Chrome, Edge o Firefox reciente) y elija un bundle, o todas sus partes. Muestra las páginas con sus imágenes y enlaces y busca páginas por su título o su texto; no se instala ni se envía nada.',
    heading: 'Colecciones sin conexión',
    about: 'Esta memoria contiene colecciones de páginas web (bundles) que se leen sin ninguna red.',
    withFerry:
      'Con ferry instalado: ejecute <code>ferry serve bundles</code> en esta carpeta y abra en un navegador la dirección que muestra, en este equipo o en otro de la misma red.',
    withoutFerry:
      'Sin ferry: un archivo <code>.ferry</code> es un archivo ZIP. Cópielo, cámbiele la extensión a <code>.zip</code> y ábralo; las páginas están en su carpeta <code>content</code>.',
    parts:
      'Un bundle cortado en partes (<code>.part001</code>, <code>.part002</code>, …) debe unirse antes: <code>copy /b A.ferry.part001+A.ferry.part002 A.ferry</code> en Windows, <code>cat A.ferry.part* &gt; A.ferry</code> en los demás.',
    check:
      'Para comprobar que la copia no dañó nada: <code>sha256sum -c SHA256SUMS</code>, o <code>ferry verify</code> seguido de la carpeta de la memoria.',
  },
  {
    lang: 'sw',
    reader:
      'Ukiwa na kivinjari tu: fungua <code>ferry-reader.html</code> (kwenye Chrome, Edge au Firefox ya sasa) na uchague bundle, au vipande vyake vyote. Huonyesha kurasa, picha na viungo vyake, na hupata kurasa kwa kichwa au maandishi yake; hakuna kinachosakinishwa wala kutumwa.',
    heading: 'Makusanyo ya nje ya mtandao',
    about: 'Kifaa hiki kina makusanyo ya kurasa za wavuti (bundles) yanayosomeka bila mtandao wowote.',
    withFerry:
      'Ukiwa na ferry: endesha <code>ferry serve bundles</code> katika folda hii na ufungue anwani inayoonyeshwa kwenye kivinjari, kwenye kompyuta hii au nyingine ya mtandao huo huo.',
    withoutFerry:
      'Bila ferry: faili la <code>.ferry</code> ni kumbukumbu ya ZIP. Linakili, libadilishe jina kuwa <code>.zip</code> na ulifungue; kurasa ziko kwenye folda yake ya <code>content</code>.',
    parts:
      'Bundle lililokatwa vipande (<code>.part001</code>, <code>.part002</code>, …) liunganishwe kwanza: <code>copy /b A.ferry.part001+A.ferry.part002 A.ferry</code> kwenye Windows, <code>cat A.ferry.part* &gt; A.ferry</code> kwingineko.',
    check:
      'Kuhakikisha hakuna kilichoharibika wakati wa kunakili: <code>sha256sum -c SHA256SUMS</code>, au <code>ferry verify</code> ikifuatiwa na folda ya kifaa.',
  },
  {
    lang: 'ar',
    reader:
      'بمتصفح فقط: افتح <code>ferry-reader.html</code> (في إصدار حديث من Chrome أو Edge أو Firefox) واختر حزمة، أو كل أجزائها. يعرض الصفحات بصورها وروابطها ويجد الصفحات بعناوينها أو بنصها؛ لا يُثبَّت شيء ولا يُرسل شيء.',
    dir: 'rtl',
    heading: 'مجموعات للقراءة دون اتصال',
    about: 'تحمل هذه الذاكرة مجموعات من صفحات الويب (bundles) تُقرأ دون أي شبكة.',
    withFerry:
      'إذا كان ferry مثبتًا: شغّل <code>ferry serve bundles</code> في هذا المجلد وافتح العنوان الذي يظهر في أي متصفح، على هذا الحاسوب أو على غيره في الشبكة نفسها.',
    withoutFerry:
      'دون ferry: ملف <code>.ferry</code> أرشيف ZIP. انسخه وغيّر امتداده إلى <code>.zip</code> وافتحه؛ الصفحات في مجلد <code>content</code>.',
    parts:
      'الحزمة المقسّمة إلى أجزاء (<code>.part001</code>، <code>.part002</code>، …) تُجمع أولًا: <code>copy /b A.ferry.part001+A.ferry.part002 A.ferry</code> في ويندوز، و<code>cat A.ferry.part* &gt; A.ferry</code> في غيره.',
    check:
      'للتأكد من أن النسخ لم يتلف شيئًا: <code>sha256sum -c SHA256SUMS</code>، أو <code>ferry verify</code> متبوعًا بمجلد الذاكرة.',
  },
];

/** The stick's README.html: what is on it, and how to read it with and without ferry. No script. */
export function stickReadme(bundles: StickBundle[]): string {
  const rows = bundles
    .map(
      (bundle) =>
        `<tr><td dir="auto">${escapeHtml(bundle.title)}</td><td>${escapeHtml(bundle.language)}</td>` +
        `<td>${formatBytes(bundle.size)}</td><td>${bundle.files.map((file) => `<code>${escapeHtml(file)}</code>`).join('<br>')}</td></tr>`,
    )
    .join('\n');
  const sections = TEXTS.map(
    (words) =>
      `<section lang="${words.lang}"${words.dir ? ` dir="${words.dir}"` : ''}><h2>${words.heading}</h2>` +
      `<p>${words.about}</p><p>${words.reader}</p><p>${words.withFerry}</p><p>${words.withoutFerry}</p><p>${words.parts}</p><p>${words.check}</p></section>`,
  ).join('\n');
  const languages = TEXTS.map((words) => `<a href="#${words.lang}" hreflang="${words.lang}">${words.heading}</a>`).join(
    ' · ',
  );
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Offline collections · ferry</title>
<style>body{max-width:50em;margin:auto;padding:1em;font-family:sans-serif;line-height:1.5}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .5em;text-align:start}code{background:#f3f3f3;padding:0 .2em}section{border-top:1px solid #ddd;margin-top:1.5em}</style>
</head><body>
<h1>Offline collections</h1>
<p>${languages}</p>
<table><thead><tr><th>Title</th><th>Language</th><th>Size</th><th>Files</th></tr></thead><tbody>
${rows}
</tbody></table>
${sections.replace(/<section lang="(\w+)"/g, '<section id="$1" lang="$1"')}
</body></html>
`;
}
