import { describe, expect, it } from 'vitest';
import { searchShard } from './build-shard.js';

const pages = [
  { path: 'tokyo.html', title: '東京', text: '東京都庁は新宿区にあります。' },
  { path: 'kyoto.html', title: '京都', text: '京都は古い都です。寺がたくさんあります。' },
  { path: 'thai.html', title: 'ภาษาไทย', text: 'กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทย' },
  { path: 'arabic.html', title: 'القاهرة', text: 'القاهرة هي عاصمة مصر' },
];

describe('text in scripts written without spaces', () => {
  it('finds Chinese and Japanese words inside unbroken runs of characters', async () => {
    expect(await searchShard(pages, '新宿')).toEqual(['tokyo.html']);
    expect(await searchShard(pages, '寺')).toEqual(['kyoto.html']);
    expect((await searchShard(pages, '古い都'))[0]).toBe('kyoto.html');
    expect((await searchShard(pages, '京都'))[0]).toBe('kyoto.html');
  });

  it('finds Thai words inside a sentence with no spaces', async () => {
    expect(await searchShard(pages, 'เมืองหลวง', 'tha')).toEqual(['thai.html']);
    expect(await searchShard(pages, 'เมืองหลวง')).toEqual(['thai.html']);
  });

  it('keeps other non-Latin words whole instead of trimming them away', async () => {
    expect(await searchShard(pages, 'عاصمة')).toEqual(['arabic.html']);
  });
});
