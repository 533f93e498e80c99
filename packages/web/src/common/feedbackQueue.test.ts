import { describe, expect, it } from 'vitest';
import { waitingFor } from './feedbackQueue';

describe('waitingFor (issue #18: messages and confirmations before their code has arrived)', () => {
  it('RB-2 (a decision’s message among them) keeps what is asked before the target arrives, asks for it once, and makes the calls in order when it does', () => {
    let fetches = 0;
    const waiting = waitingFor<string[]>(() => fetches++);
    expect(waiting.wanted).toBe(false);
    waiting.call((said) => said.push('已保存'));
    waiting.call((said) => said.push('已提交'));
    expect(fetches).toBe(1);
    expect(waiting.wanted).toBe(true);

    const said: string[] = [];
    waiting.arrive(said);
    expect(said).toEqual(['已保存', '已提交']);
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
});
