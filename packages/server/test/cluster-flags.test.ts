import { workerExecArgv } from '../src/cluster';

describe('the Node flags a cluster worker starts with', () => {
  it('bounds the young generation to 4 MiB semi-spaces, keeping the primary own flags', () => {
    expect(workerExecArgv(['--enable-source-maps'], undefined)).toEqual(['--enable-source-maps', '--max-semi-space-size=4']);
  });

  it('leaves an operator-chosen semi-space size alone, given as a flag or in NODE_OPTIONS', () => {
    expect(workerExecArgv(['--max-semi-space-size=16'], undefined)).toEqual(['--max-semi-space-size=16']);
    expect(workerExecArgv([], '--enable-source-maps --max_semi_space_size=32')).toEqual([]);
  });
});
