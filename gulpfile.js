// tsc does not copy assets: put the icons next to the compiled credential and node.
const { src, dest } = require('gulp');

function buildIcons() {
	return src('icons/*.svg').pipe(dest('dist/icons'));
}

exports['build:icons'] = buildIcons;
