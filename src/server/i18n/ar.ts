import type { UiStrings } from './strings.js';

export const ar: UiStrings = {
  library: 'المكتبة',
  search: 'بحث',
  searchPlaceholderLibrary: 'ابحث في المكتبة',
  searchPlaceholderBundle: 'ابحث في {title}',
  randomPage: 'صفحة عشوائية',
  download: 'تنزيل',
  pages: '{count} صفحة',
  allLanguages: 'كل اللغات',
  allTags: 'كل الوسوم',
  filter: 'تصفية',
  noBundlesMatch: 'لا يوجد محتوى يطابق هذه المرشحات.',
  noResults: 'لا توجد نتائج لـ «{query}».',
  resultsSummary: 'النتائج {first}–{last} من {total} لـ «{query}».',
  previous: 'السابق →',
  next: '← التالي',
  notFound: 'غير موجود',
  error: 'خطأ',
  backToLibrary: 'العودة إلى المكتبة',
  catalog: 'الفهرس (OPDS)',
};
