import { describe, expect, it } from 'vitest';
import { waitingFor } from './feedbackQueue';

describe('waitingFor (issue #18: messages and confirmations before their code has arrived)', () => {
  it('RB-2 (a decision’s message among them) keeps what is asked before the target arrives, asks for it once, and makes the calls in order when it does', () => {
    let fetches = 0;
    const waiting = waitingFor<string[]>(() => fetches++);
    expect(waiting.waiting).toBe(false);
    waiting.call((said) => said.push('已保存'));
    waiting.call((said) => said.push('已提交'));
    expect(fetches).toBe(1);
    expect(waiting.waiting).toBe(true);

    const said: string[] = [];
    waiting.arrive(said);
    expect(said).toEqual(['已保存', '已提交']);
    expect(waiting.waiting).toBe(false);
    // After it arrived: at once, and nothing kept is made twice.
    waiting.call((s) => s.push('已批准'));
    expect(said).toEqual(['已保存', '已提交', '已批准']);
    expect(fetches).toBe(1);
  });

  it('RB-2 asks for nothing while nothing is said (a page that says nothing downloads no message code)', () => {
    let fetches = 0;
    const waiting = waitingFor<string[]>(() => fetches++);
    const said: string[] = [];
    waiting.arrive(said);
    expect(fetches).toBe(0);
    expect(said).toEqual([]);
  });

  it('RB-2 when the target cannot be had, the kept calls (a confirmation among them) are made with the stand-in, and the next call asks again', () => {
    let fetches = 0;
    const waiting = waitingFor<string[]>(() => fetches++);
    waiting.call((s) => s.push('确认回退？'));
    const standIn: string[] = [];
    waiting.fail(standIn);
    expect(standIn).toEqual(['确认回退？']);
    expect(waiting.waiting).toBe(false);

    waiting.call((s) => s.push('已回退'));
    expect(fetches).toBe(2);
    const said: string[] = [];
    waiting.arrive(said);
    expect(said).toEqual(['已回退']);
    expect(standIn).toEqual(['确认回退？']);
  });
});
