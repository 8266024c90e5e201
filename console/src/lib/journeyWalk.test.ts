import { describe, expect, it } from 'vitest';
import { walk } from './journeyWalk';

const definition = {
  startNode: 'topic',
  nodes: {
    topic: {
      type: 'question',
      questionType: 'single_choice',
      question: 'What is it about?',
      options: [
        { label: 'A damaged item', value: 'damaged' },
        { label: 'Something else', value: 'other' },
      ],
      nextNodeMap: { damaged: 'photo', other: 'details' },
    },
    photo: { type: 'question', questionType: 'image_upload', question: 'A photo?', required: false, next: 'vip' },
    details: { type: 'question', questionType: 'text', question: 'Tell us more', next: 'vip' },
    vip: {
      type: 'condition',
      branches: [{ when: { any: [{ node: 'details', contains: 'URGENT' }, { node: 'photo', answered: true }] }, next: 'fast' }],
      else: 'normal',
    },
    fast: { type: 'end', create: 'support_request', category: 'technical', priority: 'high', subject: '{{topic}}: {{photo}}' },
    normal: { type: 'end', create: 'support_inquiry', category: 'general', subject: '{{ topic }} — {{details}}' },
  },
};

describe('walk', () => {
  it('stops at the first unanswered question', () => {
    expect(walk(definition, {}).next?.id).toBe('topic');
    expect(walk(definition, { topic: 'damaged' }).next?.id).toBe('photo');
  });

  it('follows the option map, conditions and the subject template', () => {
    const fast = walk(definition, { topic: 'damaged', photo: ['att_1', 'att_2'] });
    expect(fast.complete).toBe(true);
    expect(fast.end).toEqual({ create: 'support_request', category: 'technical', priority: 'high', subject: 'A damaged item: 2 images attached' });
    const normal = walk(definition, { topic: 'other', details: 'It is slow' });
    expect(normal.end?.subject).toBe('Something else — It is slow');
    expect(normal.end?.create).toBe('support_inquiry');
  });

  it('compares text case-insensitively and treats a skipped question as not answered', () => {
    expect(walk(definition, { topic: 'other', details: 'this is urgent!' }).end?.priority).toBe('high');
    expect(walk(definition, { topic: 'damaged', photo: null }).end?.create).toBe('support_inquiry');
  });

  it('reports a loop and a missing node instead of hanging', () => {
    const loop = { startNode: 'a', nodes: { a: { type: 'condition', branches: [], else: 'a' } } };
    expect(walk(loop, {}).problem).toMatch(/loop/);
    expect(walk({ startNode: 'x', nodes: {} }, {}).problem).toMatch(/no node/);
  });

  it('reads the list form of nodes', () => {
    const list = { startNode: 'q', nodes: [{ id: 'q', type: 'question', questionType: 'text', question: 'Hi?', next: 'e' }, { id: 'e', type: 'end', create: 'support_inquiry', category: 'general' }] };
    expect(walk(list, { q: 'hello' }, 'Named').end?.subject).toBe('Named');
  });
});
