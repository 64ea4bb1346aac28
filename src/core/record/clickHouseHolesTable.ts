/** The ClickHouse holes table made or brought up to date: the kind column, and the kind in its sorting key. */
import type { Logger } from '../util/log';
import type { ClickHouseHttp } from './clickHouseHttp';
import {
  addHoleKindSql,
  copyUnkeyedHolesSql,
  createHolesTableSql,
  dropUnkeyedHolesSql,
  holeKindKeptSql,
  holesKeyHasKind,
  holesSortingKeySql,
  moveUnkeyedHolesSql,
  UNKEYED_HOLES_TABLE,
  unkeyedHolesExistSql,
} from './clickHouseTables';

/**
 * A table made by this version is made if missing and left as it is. One made before holes had a kind gets the
 * column, but not in its key (ClickHouse allows neither a column it has nor one with a default to join it), and a
 * ReplacingMergeTree's merges keep one of rows equal in the key: a trade hole and a book hole of one span and reason
 * would be one. Such a table is moved aside, one with the right key made, its rows copied in, and it is dropped; a
 * move cut short (a crash, the server gone) is finished by the next writer, and one another writer is making
 * meanwhile fails this one's write, tried again later (its rows kept: the recorder's `behind`). Readers find no holes
 * table for that moment.
 */
export async function ensureHolesTable(http: ClickHouseHttp, log: Logger): Promise<void> {
  if (!(await answerOf(http, unkeyedHolesExistSql())).startsWith('1')) {
    await http.exec(createHolesTableSql());
    if ((await answerOf(http, holeKindKeptSql())) !== '1') await http.exec(addHoleKindSql());
    if (holesKeyHasKind(await answerOf(http, holesSortingKeySql()))) return;
    await http.exec(moveUnkeyedHolesSql());
  }
  await http.exec(createHolesTableSql());
  await http.exec(copyUnkeyedHolesSql());
  await http.exec(dropUnkeyedHolesSql());
  log.info(`record store: the holes table was made again with the hole's kind in its key (its rows copied from ${UNKEYED_HOLES_TABLE}, then dropped)`);
}

async function answerOf(http: ClickHouseHttp, sql: string): Promise<string> {
  let answer = '';
  for await (const chunk of http.chunks(sql)) answer += chunk.toString();
  return answer.trim();
}
